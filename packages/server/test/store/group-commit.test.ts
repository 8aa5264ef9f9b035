import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallState } from '../../src/engine/call-state.ts';
import { createCall, sendDigits } from './fixtures/fabricated-calls.ts';
import { tempStore } from './fixtures/temp-store.ts';

// Commands of one event-loop turn share a transaction (group commit), each in a savepoint.
// These tests pin what that must never change: one command's failure is its own, commands on
// one call see each other in order, nothing is acknowledged before its commit.

const T0 = Date.UTC(2026, 0, 1);

test('a burst shares one commit: many commands, one transaction', async (t) => {
  const { store } = tempStore(t);
  // One shared transaction shows as: every decide of the burst runs before any acknowledgement.
  const order: string[] = [];
  const burst = Array.from({ length: 50 }, (_, i) => {
    const change = createCall({ at: T0 + i });
    return store
      .runCommand(change.state.callId, () => {
        order.push(`decide ${i}`);
        return { state: change.state, events: change.events, result: i };
      })
      .then((r) => order.push(`ack ${r}`));
  });
  await Promise.all(burst);
  const firstAck = order.findIndex((o) => o.startsWith('ack'));
  assert.equal(firstAck, 50, 'every decide of the burst ran before the first acknowledgement');
  assert.equal(await store.countActiveCalls(), 50);
});

test('a command that throws rolls back alone; the rest of its batch commits', async (t) => {
  const { store, reopen } = tempStore(t);
  const good = [createCall({ at: T0 }), createCall({ at: T0 })];
  const bad = createCall({ at: T0 });
  const results = await Promise.allSettled([
    store.runCommand(good[0]!.state.callId, () => ({ ...good[0]!, result: 'a' })),
    store.runCommand(bad.state.callId, () => {
      throw new Error('decide failed');
    }),
    // A constraint failure after some writes: the state is written, then a duplicate event id.
    store.runCommand(bad.state.callId, () => ({
      state: bad.state,
      events: [bad.events[0]!, { ...bad.events[0]!, seq: 2 }],
      result: 'dup',
    })),
    store.runCommand(good[1]!.state.callId, () => ({ ...good[1]!, result: 'b' })),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'rejected', 'fulfilled'],
  );
  const after = reopen();
  assert.ok(await after.getCall(good[0]!.state.callId));
  assert.ok(await after.getCall(good[1]!.state.callId));
  assert.equal(
    await after.getCall(bad.state.callId),
    undefined,
    'the failed command left no state',
  );
  const events = await after.readEvents({ limit: 100 });
  assert.deepEqual(
    events.map((e) => e.callId).sort(),
    [good[0]!.state.callId, good[1]!.state.callId].sort(),
  );
});

test('commands on one call in one batch run in arrival order, each seeing the previous state', async (t) => {
  const { store } = tempStore(t);
  const created = createCall({ at: T0 });
  const callId = created.state.callId;
  const seen: number[] = [];
  const step = (digit: string) =>
    store.runCommand(callId, (current: CallState | undefined) => {
      seen.push(current?.lastSeq ?? 0);
      const change = current ? sendDigits(current, digit, T0 + 1) : created;
      return { ...change, result: change.state.lastSeq };
    });
  const acks = await Promise.all([step('1'), step('2'), step('3'), step('4')]);
  assert.deepEqual(seen, [0, 1, 2, 3]);
  assert.deepEqual(acks, [1, 2, 3, 4]);
  const events = await store.readEvents({ callId, limit: 10 });
  assert.deepEqual(
    events.map((e) => e.seq),
    [1, 2, 3, 4],
  );
});

test('closing the store writes the commands already accepted', async (t) => {
  const { store, reopen } = tempStore(t);
  const change = createCall({ at: T0 });
  const pending = store.runCommand(change.state.callId, () => ({ ...change, result: 'ok' }));
  store.closeSync(); // before the batch's turn came
  assert.equal(await pending, 'ok');
  assert.ok(await reopen().getCall(change.state.callId));
});
