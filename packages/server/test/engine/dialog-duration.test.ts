import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyCommand, callView } from '../../src/engine/call-engine.ts';
import type { CallState, EngineEvent } from '../../src/engine/call-state.ts';
import type { CallCommand } from '../../src/engine/commands.ts';
import {
  callWith,
  endedDurations,
  expectOk,
  idSequence,
  makeContext,
  T0,
} from './engine-fixture.ts';

// Hand-computed dialog times: the time with ≥ 2 participants joined or paused at once.
// Each script starts from a call created at T0; times are ms after T0.

type Script = [at: number, cmd: CallCommand][];

function play(script: Script): { state: CallState; events: EngineEvent[] } {
  const newId = idSequence();
  let state = callWith([]);
  const events: EngineEvent[] = [];
  for (const [at, cmd] of script) {
    const decision = expectOk(applyCommand(state, cmd, makeContext(T0 + at, newId)));
    state = decision.state;
    events.push(...decision.events);
  }
  return { state, events };
}

const invite = (userId: string): CallCommand => ({ type: 'invite', userId });
const join = (userId: string): CallCommand => ({ type: 'join', userId });
const pause = (userId: string): CallCommand => ({ type: 'pause', userId });
const unpause = (userId: string): CallCommand => ({ type: 'unpause', userId });
const remove = (userId: string): CallCommand => ({ type: 'remove', userId });
const end: CallCommand = { type: 'end' };

test('one joined user and one who never answers: no dialog', () => {
  const { events } = play([
    [0, invite('a')],
    [0, invite('b')],
    [1000, join('a')],
    [9000, end],
  ]);
  assert.deepEqual(endedDurations(events), { dialogDuration: 0, callDuration: 9000 });
});

test('two users: dialog from the second join to the first removal', () => {
  const { events } = play([
    [100, invite('a')],
    [200, invite('b')],
    [1000, join('a')],
    [2500, join('b')],
    [7500, remove('b')],
    [8000, end],
  ]);
  assert.deepEqual(endedDurations(events), { dialogDuration: 5000, callDuration: 8000 });
});

test('pause still counts as joined, even when both are paused', () => {
  const { state, events } = play([
    [0, invite('a')],
    [0, invite('b')],
    [1000, join('a')],
    [2000, join('b')],
    [3000, pause('a')],
    [4000, pause('b')],
    [5000, unpause('a')],
    [6000, end],
  ]);
  assert.deepEqual(endedDurations(events), { dialogDuration: 4000, callDuration: 6000 });
  assert.equal(state.dialogSince, null, 'closed at the end');
});

test('three participants: the dialog lasts while any two remain', () => {
  // a 1000–5000, b 2000–7000, c 3000–end(10000): ≥ 2 joined from 2000 to 10000.
  const { events } = play([
    [0, invite('a')],
    [0, invite('b')],
    [0, invite('c')],
    [1000, join('a')],
    [2000, join('b')],
    [3000, join('c')],
    [5000, remove('a')],
    [7000, remove('b')],
    [7000, invite('d')],
    [10_000, end],
  ]);
  assert.deepEqual(endedDurations(events), { dialogDuration: 5000, callDuration: 10_000 });
});

test('three participants with a gap: two separate dialog intervals add up', () => {
  // a joined 1000–end; b 2000–4000; c 6000–end at 9000 → 2000 + 3000.
  const { events } = play([
    [0, invite('a')],
    [0, invite('b')],
    [0, invite('c')],
    [1000, join('a')],
    [2000, join('b')],
    [4000, remove('b')],
    [6000, join('c')],
    [9000, end],
  ]);
  assert.deepEqual(endedDurations(events), { dialogDuration: 5000, callDuration: 9000 });
});

test('a removed user re-invited and rejoined starts a new dialog interval', () => {
  // a+b 1000–3000; a re-invited at 4000 rings (not joined); joins at 6000; end at 10000.
  const { events } = play([
    [0, invite('a')],
    [0, invite('b')],
    [1000, join('a')],
    [1000, join('b')],
    [3000, remove('a')],
    [4000, invite('a')],
    [6000, join('a')],
    [10_000, end],
  ]);
  assert.deepEqual(endedDurations(events), { dialogDuration: 6000, callDuration: 10_000 });
});

test('join and removal at the same instant add nothing', () => {
  const { events } = play([
    [0, invite('a')],
    [0, invite('b')],
    [500, join('a')],
    [500, join('b')],
    [500, remove('b')],
    [700, end],
  ]);
  assert.deepEqual(endedDurations(events), { dialogDuration: 0, callDuration: 700 });
});

test('the last removal ends the call and closes the dialog at the same time', () => {
  const { state, events } = play([
    [0, invite('a')],
    [0, invite('b')],
    [1000, join('a')],
    [3000, join('b')],
    [4000, remove('a')],
    [4500, remove('b')],
  ]);
  assert.equal(state.endReason, 'last_participant_removed');
  assert.deepEqual(endedDurations(events), { dialogDuration: 1000, callDuration: 4500 });
});

test('the view of an active call shows dialog time so far, up to the time asked', () => {
  const { state } = play([
    [0, invite('a')],
    [0, invite('b')],
    [1000, join('a')],
    [2000, join('b')],
  ]);
  assert.equal(callView(state).dialogDuration, 0, 'at its last change');
  assert.equal(callView(state, T0 + 2750).dialogDuration, 750);
  assert.equal(callView(state, T0 + 1500).dialogDuration, 0, 'never before its last change');
  assert.equal(callView(state, T0 + 2750).callDuration, null, 'no call duration while active');
});
