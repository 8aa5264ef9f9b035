import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyCommand, callView, createCall } from '../../src/engine/call-engine.ts';
import type { CallState, EngineEvent } from '../../src/engine/call-state.ts';
import type { CallCommand } from '../../src/engine/commands.ts';
import {
  CALL_ID,
  expectOk,
  idSequence,
  makeContext,
  STREAM_ID,
  T0,
  THREAD_ID,
} from './engine-fixture.ts';

const call = { callId: CALL_ID, threadId: THREAD_ID, streamId: STREAM_ID };

// One whole call, step by step, with times in ms after T0. Dialog runs from b's join
// (5000) to a's removal (12000), pause and all: 7000 ms. The call lasts 15000 ms.
const steps: [at: number, cmd: CallCommand][] = [
  [1000, { type: 'invite', userId: 'a' }],
  [2000, { type: 'invite', userId: 'b' }],
  [3000, { type: 'join', userId: 'a' }],
  [5000, { type: 'join', userId: 'b' }],
  [8000, { type: 'pause', userId: 'a' }],
  [9000, { type: 'unpause', userId: 'a' }],
  [10_000, { type: 'dtmf', digits: '1*#', userId: 'b' }],
  [12_000, { type: 'remove', userId: 'a' }],
  [15_000, { type: 'end' }],
];

function runCall(): { states: CallState[]; events: EngineEvent[] } {
  const newId = idSequence();
  const created = expectOk(createCall(call, makeContext(T0, newId)));
  const states = [created.state];
  const events = [...created.events];
  let state = created.state;
  for (const [at, cmd] of steps) {
    const decision = expectOk(applyCommand(state, cmd, makeContext(T0 + at, newId)));
    state = decision.state;
    states.push(state);
    events.push(...decision.events);
  }
  return { states, events };
}

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

test('a full call emits exactly the expected events, bodies and durations', () => {
  const { events } = runCall();
  const user = (eventType: string, userId: string) => ({ eventType, ...call, userId });
  const dtmf = (d: string, n: number) => ({
    eventType: 'call.dtmf',
    ...call,
    dtmf: d,
    dtmfNumber: n,
  });
  const expected: [number, unknown][] = [
    [0, { eventType: 'call.created', ...call, createdAt: T0 }],
    [1000, user('call.user.invited', 'a')],
    [2000, user('call.user.invited', 'b')],
    [8000, user('call.user.paused', 'a')],
    [9000, user('call.user.unpaused', 'a')],
    [10_000, dtmf('1', 1)],
    [10_000, dtmf('*', 10)],
    [10_000, dtmf('#', 11)],
    [12_000, user('call.user.removed', 'a')],
    [15_000, user('call.user.removed', 'b')],
    [15_000, { eventType: 'call.ended', ...call, dialogDuration: 7000, callDuration: 15_000 }],
  ];
  assert.deepEqual(
    events,
    expected.map(([at, payload], i) => ({
      id: id(i + 1),
      callId: CALL_ID,
      seq: i + 1,
      type: (payload as { eventType: string }).eventType,
      occurredAt: T0 + at,
      payload,
    })),
  );
});

test('the state after each step says who is where, and dialog time so far', () => {
  const { states } = runCall();
  const view = (i: number) => callView(states[i]!);
  assert.deepEqual(view(0).participants, []);
  assert.equal(states[0]!.idleSince, T0);
  assert.equal(states[1]!.idleSince, null, 'an invite clears the idle clock');
  assert.deepEqual(view(4).participants, [
    { userId: 'a', state: 'joined' },
    { userId: 'b', state: 'joined' },
  ]);
  assert.equal(states[4]!.dialogSince, T0 + 5000);
  assert.deepEqual(view(5).participants[0], { userId: 'a', state: 'paused' });
  assert.equal(callView(states[5]!, T0 + 8500).dialogDuration, 3500, 'pause keeps the dialog');
  assert.equal(states[7]!.lastSeq, 8);
  assert.equal(states[8]!.dialogMs, 7000);
  assert.equal(states[8]!.dialogSince, null);
  assert.equal(callView(states[8]!, T0 + 14_000).dialogDuration, 7000, 'one left: no dialog');
});

test('the ended call view has the final durations and reason', () => {
  const { states } = runCall();
  const last = states.at(-1)!;
  assert.deepEqual(callView(last, T0 + 99_000), {
    ...call,
    status: 'ended',
    createdAt: T0,
    endedAt: T0 + 15_000,
    endReason: 'ended',
    participants: [
      { userId: 'a', state: 'removed' },
      { userId: 'b', state: 'removed' },
    ],
    lastSeq: 11,
    callDuration: 15_000,
    dialogDuration: 7000,
  });
  assert.equal(last.updatedAt, T0 + 15_000);
});

test('time never runs backwards: a command stamped before the last change takes its time', () => {
  const newId = idSequence();
  let state = expectOk(createCall(call, makeContext(T0 + 5000, newId))).state;
  const invited = expectOk(
    applyCommand(state, { type: 'invite', userId: 'a' }, makeContext(T0, newId)),
  );
  assert.equal(invited.events[0]!.occurredAt, T0 + 5000);
  state = invited.state;
  const ended = expectOk(applyCommand(state, { type: 'end' }, makeContext(T0 + 1000, newId)));
  assert.equal(ended.state.endedAt, T0 + 5000);
  assert.deepEqual(ended.events.at(-1)!.payload, {
    eventType: 'call.ended',
    ...call,
    dialogDuration: 0,
    callDuration: 0,
  });
});

test('createCall refuses ids the SDK schema would reject, and emits nothing', () => {
  const ctx = makeContext(T0);
  const bad = [
    { ...call, callId: CALL_ID.toUpperCase() },
    { ...call, callId: 'not-a-uuid' },
    { ...call, threadId: '' },
    { ...call, streamId: 'has space' },
    { ...call, threadId: 'x'.repeat(129) },
  ];
  for (const cmd of bad) {
    const decision = createCall(cmd, ctx);
    assert.equal(decision.ok, false);
    if (!decision.ok) assert.equal(decision.error.code, 'validation_error');
  }
  const good = expectOk(createCall({ ...call, threadId: 'x'.repeat(128) }, ctx));
  assert.equal(good.events.length, 1);
});

test('commands refuse malformed user ids and DTMF digits with validation_error', () => {
  const state = expectOk(createCall(call, makeContext(T0))).state;
  const ctx = makeContext(T0 + 1);
  const bad: CallCommand[] = [
    { type: 'invite', userId: '' },
    { type: 'invite', userId: 'a/b' },
    { type: 'join', userId: 'x'.repeat(129) },
    { type: 'dtmf', digits: '' },
    { type: 'dtmf', digits: '1'.repeat(33) },
    { type: 'dtmf', digits: '12a' },
    { type: 'dtmf', digits: '1 2' },
    { type: 'dtmf', digits: '1', userId: 'bad id' },
    { type: 'bogus' } as unknown as CallCommand,
  ];
  for (const cmd of bad) {
    const decision = applyCommand(state, cmd, ctx);
    assert.equal(decision.ok, false, JSON.stringify(cmd));
    if (!decision.ok) assert.equal(decision.error.code, 'validation_error', JSON.stringify(cmd));
  }
  const all = expectOk(applyCommand(state, { type: 'dtmf', digits: '0123456789*#ABCD' }, ctx));
  assert.deepEqual(
    all.events.map((e) => (e.payload as { dtmfNumber: number }).dtmfNumber),
    [...Array(16).keys()],
  );
  assert.equal(
    expectOk(applyCommand(state, { type: 'dtmf', digits: '9'.repeat(32) }, ctx)).events.length,
    32,
  );
});

test('the engine throws rather than stamp a non-integer time', () => {
  assert.throws(() => createCall(call, makeContext(T0 + 0.5)), RangeError);
  const state = expectOk(createCall(call, makeContext(T0))).state;
  assert.throws(() => applyCommand(state, { type: 'end' }, makeContext(Number.NaN)), RangeError);
});
