import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyCommand, expireCall, nextDeadline } from '../../src/engine/call-engine.ts';
import type { CallState, EngineConfig } from '../../src/engine/call-state.ts';
import { DEFAULT_ENGINE_CONFIG } from '../../src/engine/call-state.ts';
import {
  assertValidEvents,
  callWith,
  endedDurations,
  expectOk,
  idSequence,
  makeContext,
  T0,
} from './engine-fixture.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

function expire(state: CallState, now: number, config: EngineConfig = DEFAULT_ENGINE_CONFIG) {
  const snapshot = structuredClone(state);
  const result = expireCall(state, makeContext(now, idSequence(), config));
  assert.deepEqual(state, snapshot, 'expireCall never modifies its input');
  assertValidEvents(result.events);
  return result;
}

const summary = (state: CallState) => ({
  status: state.status,
  endReason: state.endReason,
  endedAt: state.endedAt,
});

test('removing the last participant ends the call in the same decision', () => {
  let state = callWith([
    { type: 'invite', userId: 'a' },
    { type: 'invite', userId: 'b' },
    { type: 'join', userId: 'a' },
    { type: 'join', userId: 'b' },
  ]);
  state = expectOk(
    applyCommand(state, { type: 'remove', userId: 'a' }, makeContext(T0 + 4000)),
  ).state;
  assert.equal(state.status, 'active', 'b is still there');
  const last = expectOk(
    applyCommand(state, { type: 'remove', userId: 'b' }, makeContext(T0 + 9000)),
  );
  assert.deepEqual(
    last.events.map((e) => [e.seq, e.type, e.occurredAt]),
    [
      [5, 'call.user.removed', T0 + 9000],
      [6, 'call.ended', T0 + 9000],
    ],
  );
  assert.deepEqual(summary(last.state), {
    status: 'ended',
    endReason: 'last_participant_removed',
    endedAt: T0 + 9000,
  });
  assert.deepEqual(endedDurations(last.events), { dialogDuration: 4000, callDuration: 9000 });
});

test('a call nobody was invited to ends after the idle timeout, at the deadline', () => {
  const state = callWith([]);
  assert.equal(nextDeadline(state, DEFAULT_ENGINE_CONFIG), T0 + 10 * MIN);
  const early = expire(state, T0 + 10 * MIN - 1);
  assert.equal(early.state, state, 'not due: the same state back');
  assert.deepEqual(early.events, []);

  const due = expire(state, T0 + 10 * MIN);
  assert.deepEqual(summary(due.state), {
    status: 'ended',
    endReason: 'idle_timeout',
    endedAt: T0 + 10 * MIN,
  });
  assert.deepEqual(
    due.events.map((e) => [e.seq, e.type]),
    [[2, 'call.ended']],
  );
  assert.equal(nextDeadline(due.state, DEFAULT_ENGINE_CONFIG), null);
});

test('a late timer still ends the call at the deadline, so durations are exact', () => {
  const late = expire(callWith([]), T0 + 3 * HOUR);
  assert.equal(late.state.endedAt, T0 + 10 * MIN);
  assert.equal(late.events[0]!.occurredAt, T0 + 10 * MIN);
  assert.deepEqual(endedDurations(late.events), { dialogDuration: 0, callDuration: 10 * MIN });
});

test('an invite stops the idle clock; the call then ends at its maximum duration', () => {
  const state = callWith([
    { type: 'invite', userId: 'a' },
    { type: 'invite', userId: 'b' },
  ]);
  assert.equal(state.idleSince, null);
  const joined = [
    { type: 'join', userId: 'a' },
    { type: 'join', userId: 'b' },
  ] as const;
  let talking = state;
  for (const cmd of joined) {
    talking = expectOk(applyCommand(talking, cmd, makeContext(T0 + 1000))).state;
  }
  assert.equal(nextDeadline(talking, DEFAULT_ENGINE_CONFIG), T0 + 24 * HOUR);
  assert.deepEqual(expire(talking, T0 + 24 * HOUR - 1).events, []);

  const { state: ended, events } = expire(talking, T0 + 24 * HOUR + 5 * MIN);
  assert.deepEqual(summary(ended), {
    status: 'ended',
    endReason: 'max_duration',
    endedAt: T0 + 24 * HOUR,
  });
  assert.deepEqual(
    events.map((e) => [e.seq, e.type, 'userId' in e.payload ? e.payload.userId : null]),
    [
      [4, 'call.user.removed', 'a'],
      [5, 'call.user.removed', 'b'],
      [6, 'call.ended', null],
    ],
  );
  assert.ok(events.every((e) => e.occurredAt === T0 + 24 * HOUR));
  assert.deepEqual(endedDurations(events), {
    dialogDuration: 24 * HOUR - 1000,
    callDuration: 24 * HOUR,
  });
});

test('deadlines follow the configuration passed in', () => {
  const state = callWith([]);
  const short: EngineConfig = { idleTimeoutMs: MIN, maxDurationMs: 30 * MIN };
  assert.equal(nextDeadline(state, short), T0 + MIN);
  assert.equal(expire(state, T0 + 2 * MIN, short).state.endedAt, T0 + MIN);

  const long: EngineConfig = { idleTimeoutMs: HOUR, maxDurationMs: 2 * HOUR };
  assert.deepEqual(expire(state, T0 + 30 * MIN, long).events, [], 'a raised limit is not due');

  // Max duration shorter than the idle timeout: the hard limit wins, and names the reason.
  const tight: EngineConfig = { idleTimeoutMs: HOUR, maxDurationMs: 5 * MIN };
  assert.equal(nextDeadline(state, tight), T0 + 5 * MIN);
  assert.equal(expire(state, T0 + HOUR, tight).state.endReason, 'max_duration');

  // A tie between the two is reported as max_duration.
  const tie: EngineConfig = { idleTimeoutMs: 5 * MIN, maxDurationMs: 5 * MIN };
  assert.equal(expire(state, T0 + 5 * MIN, tie).state.endReason, 'max_duration');
});

test('a limit lowered below the last change ends the call at that change, never earlier', () => {
  const state = expectOk(
    applyCommand(callWith([]), { type: 'dtmf', digits: '1' }, makeContext(T0 + 20 * MIN)),
  ).state;
  const lowered: EngineConfig = { idleTimeoutMs: 10 * MIN, maxDurationMs: 15 * MIN };
  const { state: ended, events } = expire(state, T0 + 30 * MIN, lowered);
  assert.equal(ended.endReason, 'idle_timeout');
  assert.equal(ended.endedAt, T0 + 20 * MIN);
  assert.equal(events[0]!.occurredAt, T0 + 20 * MIN);
});

test('an ended call has no deadline and expireCall leaves it alone', () => {
  const ended = expectOk(applyCommand(callWith([]), { type: 'end' }, makeContext(T0))).state;
  assert.equal(nextDeadline(ended, DEFAULT_ENGINE_CONFIG), null);
  const result = expire(ended, T0 + 48 * HOUR);
  assert.equal(result.state, ended);
  assert.deepEqual(result.events, []);
});

test('after expiry a late command sees an ended call', () => {
  const state = callWith([]);
  const { state: expired } = expire(state, T0 + HOUR);
  const decision = applyCommand(expired, { type: 'invite', userId: 'a' }, makeContext(T0 + HOUR));
  assert.equal(decision.ok, false);
  if (!decision.ok) assert.equal(decision.error.code, 'invalid_transition');
});
