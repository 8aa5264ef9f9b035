import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyCommand } from '../../src/engine/call-engine.ts';
import type { CallState, ParticipantState } from '../../src/engine/call-state.ts';
import type { CallCommand } from '../../src/engine/commands.ts';
import { CALL_ID, callWith, expectError, expectOk, makeContext, T0 } from './engine-fixture.ts';

// Every (participant standing × command) pair, written out from docs/contract.md §2 by hand —
// not derived from the engine's own transition table, so the two can disagree.
type Standing = ParticipantState | 'absent';
type UserCommand = 'invite' | 'join' | 'pause' | 'unpause' | 'remove' | 'dtmf';

/** Accepted: [new standing of the user, event types]. Rejected: null. */
type Outcome = [Standing, string[]] | null;

const TABLE: Record<Standing, Record<UserCommand, Outcome>> = {
  absent: {
    invite: ['invited', ['call.user.invited']],
    join: null,
    pause: null,
    unpause: null,
    remove: null,
    dtmf: null,
  },
  invited: {
    invite: null,
    join: ['joined', []],
    pause: null,
    unpause: null,
    remove: ['removed', ['call.user.removed']],
    dtmf: null,
  },
  joined: {
    invite: null,
    join: null,
    pause: ['paused', ['call.user.paused']],
    unpause: null,
    remove: ['removed', ['call.user.removed']],
    dtmf: ['joined', ['call.dtmf']],
  },
  paused: {
    invite: null,
    join: null,
    pause: null,
    unpause: ['joined', ['call.user.unpaused']],
    remove: ['removed', ['call.user.removed']],
    dtmf: ['paused', ['call.dtmf']],
  },
  removed: {
    invite: ['invited', ['call.user.invited']],
    join: null,
    pause: null,
    unpause: null,
    remove: null,
    dtmf: null,
  },
};

// 'k' keeps the call alive (present) so removing 'u' never ends it.
const SETUP: Record<Standing, CallCommand[]> = {
  absent: [],
  invited: [{ type: 'invite', userId: 'u' }],
  joined: [
    { type: 'invite', userId: 'u' },
    { type: 'join', userId: 'u' },
  ],
  paused: [
    { type: 'invite', userId: 'u' },
    { type: 'join', userId: 'u' },
    { type: 'pause', userId: 'u' },
  ],
  removed: [
    { type: 'invite', userId: 'u' },
    { type: 'remove', userId: 'u' },
  ],
};

function command(type: UserCommand): CallCommand {
  return type === 'dtmf' ? { type, digits: '5', userId: 'u' } : { type, userId: 'u' };
}

function standingOf(state: CallState, userId: string): Standing {
  return state.participants.find((p) => p.userId === userId)?.state ?? 'absent';
}

for (const [from, row] of Object.entries(TABLE) as [Standing, Record<UserCommand, Outcome>][]) {
  for (const [type, outcome] of Object.entries(row) as [UserCommand, Outcome][]) {
    const name = `${type} of a user who is ${from}: ${outcome ? `→ ${outcome[0]}` : 'invalid_transition'}`;
    test(name, () => {
      const before = callWith([{ type: 'invite', userId: 'k' }, ...SETUP[from]]);
      assert.equal(standingOf(before, 'u'), from, 'setup');
      const snapshot = structuredClone(before);
      const decision = applyCommand(before, command(type), makeContext(T0 + 1000));
      assert.deepEqual(before, snapshot, 'the given state is never modified');

      if (outcome === null) {
        const error = expectError(decision, 'invalid_transition');
        const { callId, userId, command: cmd } = error.details ?? {};
        assert.deepEqual(
          { callId, userId, from: error.details?.['from'], command: cmd },
          { callId: CALL_ID, userId: 'u', from, command: type },
        );
        return;
      }
      const { state, events } = expectOk(decision);
      const [to, eventTypes] = outcome;
      assert.equal(standingOf(state, 'u'), to);
      assert.equal(standingOf(state, 'k'), 'invited', 'others are untouched');
      assert.equal(state.status, 'active');
      assert.deepEqual(
        events.map((e) => e.type),
        eventTypes,
      );
      assert.deepEqual(
        events.map((e) => e.seq),
        eventTypes.map((_, i) => before.lastSeq + 1 + i),
      );
      assert.equal(state.lastSeq, before.lastSeq + eventTypes.length);
      assert.equal(state.updatedAt, T0 + 1000);
    });
  }
}

test('end removes every present participant in invitation order, then ends the call', () => {
  for (const from of Object.keys(SETUP) as Standing[]) {
    const before = callWith([{ type: 'invite', userId: 'k' }, ...SETUP[from]]);
    const { state, events } = expectOk(applyCommand(before, { type: 'end' }, makeContext(T0 + 1)));
    const present = from === 'absent' || from === 'removed' ? ['k'] : ['k', 'u'];
    assert.deepEqual(
      events.map((e) => [e.type, 'userId' in e.payload ? e.payload.userId : null]),
      [...present.map((u) => ['call.user.removed', u]), ['call.ended', null]],
      from,
    );
    assert.equal(state.status, 'ended');
    assert.equal(state.endReason, 'ended');
    assert.ok(state.participants.every((p) => p.state === 'removed'));
  }
});

test('a re-invited user moves to the end of the invitation order', () => {
  const state = callWith([
    { type: 'invite', userId: 'a' },
    { type: 'invite', userId: 'b' },
    { type: 'remove', userId: 'a' },
    { type: 'invite', userId: 'a' },
  ]);
  const { events } = expectOk(applyCommand(state, { type: 'end' }, makeContext(T0)));
  assert.deepEqual(
    events.map((e) => ('userId' in e.payload ? e.payload.userId : e.type)),
    ['b', 'a', 'call.ended'],
  );
});

test('every command on an ended call is an invalid_transition and changes nothing', () => {
  const ended = expectOk(
    applyCommand(
      callWith([
        { type: 'invite', userId: 'a' },
        { type: 'join', userId: 'a' },
      ]),
      { type: 'end' },
      makeContext(T0 + 10),
    ),
  ).state;
  const snapshot = structuredClone(ended);
  const commands: CallCommand[] = [
    { type: 'invite', userId: 'a' },
    { type: 'invite', userId: 'new' },
    { type: 'join', userId: 'a' },
    { type: 'pause', userId: 'a' },
    { type: 'unpause', userId: 'a' },
    { type: 'remove', userId: 'a' },
    { type: 'dtmf', digits: '1' },
    { type: 'dtmf', digits: '1', userId: 'a' },
    { type: 'end' },
  ];
  for (const cmd of commands) {
    const error = expectError(applyCommand(ended, cmd, makeContext(T0 + 20)), 'invalid_transition');
    assert.equal(error.details?.['callId'], CALL_ID);
    assert.equal(error.details?.['command'], cmd.type);
    assert.equal(error.details?.['status'], 'ended');
    assert.deepEqual(ended, snapshot);
  }
});

test('dtmf without a user is accepted from anyone, even with nobody in the call', () => {
  const state = callWith([]);
  const { events } = expectOk(applyCommand(state, { type: 'dtmf', digits: 'D' }, makeContext(T0)));
  assert.deepEqual(events[0]!.payload, {
    eventType: 'call.dtmf',
    callId: CALL_ID,
    threadId: state.threadId,
    streamId: state.streamId,
    dtmf: 'D',
    dtmfNumber: 15,
  });
});
