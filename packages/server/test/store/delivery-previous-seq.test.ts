import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SqliteStore } from '../../src/store/sqlite/index.ts';
import { callWithGaps, GAPPY_CHAIN, GAPPY_TYPES } from './fixtures/call-with-gaps.ts';
import { endpoint, T0 } from './fixtures/delivery-fixture.ts';
import { tempStore } from './fixtures/temp-store.ts';

// callhook-previous-seq (docs/contract.md §4): each delivery names the seq of the previous event of
// its call that this endpoint was sent, 0 when none. The outbox takes it from the lane; replay
// from the replayed events, and for a call's first one from the log before it.

const CALL_A = 'aaaaaa00-0000-4000-8000-000000000000';
const CALL_B = 'bbbbbb00-0000-4000-8000-000000000000';

/** [seq, previousSeq] of an endpoint's deliveries of a call, in the order they were written. */
async function chain(store: SqliteStore, endpointId: string, callId: string) {
  const page = await store.deliveries.listDeliveries(endpointId, { limit: 100 });
  return page.items
    .filter((d) => d.callId === callId)
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((d) => [d.seq, d.previousSeq]);
}

test('the outbox chains each delivery to the previous one of its lane', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_all'));
  await store.deliveries.createEndpoint(endpoint('ep_f', { eventTypes: [...GAPPY_TYPES] }));
  await callWithGaps(store, CALL_A, T0);

  assert.deepEqual(await chain(store, 'ep_all', CALL_A), [
    [1, 0],
    [2, 1],
    [3, 2],
    [4, 3],
    [5, 4],
    [6, 5],
  ]);
  assert.deepEqual(await chain(store, 'ep_f', CALL_A), GAPPY_CHAIN);
});

test('an endpoint created mid-call was sent nothing before: its first previous seq is 0', async (t) => {
  const { store } = tempStore(t);
  await callWithGaps(store, CALL_A, T0, 1, 3);
  await store.deliveries.createEndpoint(endpoint('ep_late'));
  await callWithGaps(store, CALL_A, T0, 4, 6);
  assert.deepEqual(await chain(store, 'ep_late', CALL_A), [
    [4, 0],
    [5, 4],
    [6, 5],
  ]);
});

test('a replay from mid-call chains its first event to the last match before the window', async (t) => {
  const { store } = tempStore(t);
  await callWithGaps(store, CALL_A, T0);
  await callWithGaps(store, CALL_B, T0 + 100);
  // Subscribed later: nothing was queued for it, so everything below comes from replay.
  await store.deliveries.createEndpoint(endpoint('ep_f', { eventTypes: [...GAPPY_TYPES] }));

  // Call A from seq 4 on (5 and 6 match; 2 is the match before), and call B whole.
  assert.equal(await store.deliveries.replay('ep_f', T0 + 4, T0 + 106, T0 + 200), 5);
  assert.deepEqual(await chain(store, 'ep_f', CALL_A), [
    [5, 2],
    [6, 5],
  ]);
  assert.deepEqual(await chain(store, 'ep_f', CALL_B), GAPPY_CHAIN);
});

test('a replay of what a lane holds already chains the replayed ones among themselves', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_f', { eventTypes: [...GAPPY_TYPES] }));
  await callWithGaps(store, CALL_A, T0);
  // Only seq 5 occurred in [T0 + 3, T0 + 5]: its previous match is seq 2, as first sent.
  assert.equal(await store.deliveries.replay('ep_f', T0 + 3, T0 + 5, T0 + 10), 1);
  assert.deepEqual(await chain(store, 'ep_f', CALL_A), [...GAPPY_CHAIN, [5, 2]]);
  // The whole call again: chained like its first sending.
  assert.equal(await store.deliveries.replay('ep_f', T0, T0 + 10, T0 + 20), 3);
  assert.deepEqual((await chain(store, 'ep_f', CALL_A)).slice(-3), GAPPY_CHAIN);
});
