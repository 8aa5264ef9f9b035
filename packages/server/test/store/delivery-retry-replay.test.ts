import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallhookError } from '../../src/errors.ts';
import type { SqliteStore } from '../../src/store/sqlite/index.ts';
import {
  claim,
  digits,
  endpoint,
  LEASE_MS,
  lane,
  outcome,
  startCall,
  T0,
} from './fixtures/delivery-fixture.ts';
import { tempStore } from './fixtures/temp-store.ts';

/** Claims and settles every head due at `now` with `result`; returns the seqs sent, per call. */
async function sendAll(store: SqliteStore, now: number, result: 'delivered' | 'failed') {
  const sent: number[] = [];
  for (;;) {
    const due = await claim(store, now);
    if (due.length === 0) return sent;
    sent.push(...due.map((d) => d.seq));
    await store.deliveries.recordOutcomes(
      due.map((d) => outcome(d, result, now)),
      now,
    );
  }
}

test('a failed delivery retried in an idle lane is pending and due now', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const call = await startCall(store);
  const [head] = await claim(store, T0);
  await store.deliveries.recordOutcomes([outcome(head!, 'failed')], T0 + 1);

  const retried = await store.deliveries.retryDelivery(head!.id, T0 + 100);
  assert.deepEqual(
    [retried?.status, retried?.nextAttemptAt, retried?.attemptCount, retried?.updatedAt],
    ['pending', T0 + 100, 1, T0 + 100],
  );
  const [again] = await claim(store, T0 + 100);
  assert.deepEqual([again?.id, again?.attemptCount], [head!.id, 1]);
  assert.deepEqual(lane(store, 'ep_a', call.callId), [[1, T0 + 100]]);
});

test('a retried delivery with a lower seq than the head takes the head; the old head waits', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const call = await startCall(store);
  await digits(store, call.callId, '12');
  const [first] = await claim(store, T0);
  await store.deliveries.recordOutcomes([outcome(first!, 'failed')], T0 + 1);
  // seq 2 is now the head, due at T0 + 1 and not yet claimed.

  await store.deliveries.retryDelivery(first!.id, T0 + 2);
  assert.deepEqual(lane(store, 'ep_a', call.callId), [
    [1, T0 + 2],
    [2, null],
    [3, null],
  ]);
  assert.deepEqual(await sendAll(store, T0 + 3, 'delivered'), [1, 2, 3]);
});

test('a retried delivery with a higher seq than the head waits behind it', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const call = await startCall(store);
  await digits(store, call.callId, '1');
  const [first] = await claim(store, T0);
  await store.deliveries.recordOutcomes([outcome(first!, 'failed')], T0 + 1);
  const [second] = await claim(store, T0 + 1);
  await store.deliveries.recordOutcomes([outcome(second!, 'failed')], T0 + 2);
  await digits(store, call.callId, '2', T0 + 3); // seq 3 heads the lane again

  await store.deliveries.retryDelivery(first!.id, T0 + 4); // seq 1 takes over from 3
  await store.deliveries.retryDelivery(second!.id, T0 + 4); // seq 2 waits behind 1
  assert.deepEqual(lane(store, 'ep_a', call.callId), [
    [1, T0 + 4],
    [2, null],
    [3, null],
  ]);
  assert.deepEqual(await sendAll(store, T0 + 5, 'delivered'), [1, 2, 3]);
});

test('a retry while the head is in flight waits for its outcome: one attempt per lane at a time', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const call = await startCall(store);
  await digits(store, call.callId, '1');
  const [first] = await claim(store, T0);
  await store.deliveries.recordOutcomes([outcome(first!, 'failed')], T0 + 1);
  const [inFlight] = await claim(store, T0 + 1);
  assert.equal(inFlight?.seq, 2);

  await store.deliveries.retryDelivery(first!.id, T0 + 2);
  assert.deepEqual(await claim(store, T0 + 2), []);
  // seq 2's attempt ends with a retry: the lower seq goes first, then seq 2.
  await store.deliveries.recordOutcomes(
    [outcome(inFlight!, { status: 'pending', nextAttemptAt: T0 + 60_000 })],
    T0 + 3,
  );
  assert.deepEqual(lane(store, 'ep_a', call.callId), [
    [1, T0 + 3],
    [2, null],
  ]);
  assert.deepEqual(await sendAll(store, T0 + 4, 'delivered'), [1, 2]);
});

// The counterexample of delivery-lanes.property.test.ts (fast-check seed 27): an outcome
// written after its lease lapsed, for a head that a retry had meanwhile put back to waiting,
// made it a second head of its lane.
test('a late outcome of a head a retry put back to waiting leaves it waiting: the lane keeps one head', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const call = await startCall(store);
  await digits(store, call.callId, '1');
  const [first] = await claim(store, T0);
  await store.deliveries.recordOutcomes([outcome(first!, 'failed')], T0 + 1);
  const [late] = await claim(store, T0 + 1);
  assert.equal(late?.seq, 2);

  // seq 2's lease lapses with its attempt still under way; seq 1, retried, takes the head.
  const lapsed = T0 + 1 + LEASE_MS;
  await store.deliveries.retryDelivery(first!.id, lapsed);
  assert.deepEqual(lane(store, 'ep_a', call.callId), [
    [1, lapsed],
    [2, null],
  ]);
  await store.deliveries.recordOutcomes(
    [outcome(late!, { status: 'pending', nextAttemptAt: lapsed })],
    lapsed,
  );
  assert.deepEqual(lane(store, 'ep_a', call.callId), [
    [1, lapsed],
    [2, null],
  ]);
  assert.equal((await store.deliveries.getDelivery(late!.id))?.attemptCount, 1);
  assert.deepEqual(await sendAll(store, lapsed, 'delivered'), [1, 2]);
});

test('a late outcome of a head a replay put back to waiting leaves it waiting too', async (t) => {
  const { store } = tempStore(t);
  const d = store.deliveries;
  await d.createEndpoint(endpoint('ep_a'));
  const call = await startCall(store);
  await sendAll(store, T0, 'delivered');
  await digits(store, call.callId, '1', T0 + 1);
  const [late] = await claim(store, T0 + 1);
  assert.equal(late?.seq, 2);

  const lapsed = T0 + 1 + LEASE_MS;
  assert.equal(await d.replay('ep_a', T0, T0, lapsed), 1); // seq 1 again, ahead of seq 2
  await d.recordOutcomes([outcome(late!, { status: 'pending', nextAttemptAt: lapsed })], lapsed);
  assert.deepEqual(lane(store, 'ep_a', call.callId), [
    [1, lapsed],
    [2, null],
  ]);
  assert.deepEqual(await sendAll(store, lapsed, 'delivered'), [1, 2]);
});

test('enabling an endpoint again gives a lane its head in flight, not a lower seq retried behind it', async (t) => {
  const { store } = tempStore(t);
  const ep = endpoint('ep_a');
  await store.deliveries.createEndpoint(ep);
  const call = await startCall(store);
  await digits(store, call.callId, '1');
  const [first] = await claim(store, T0);
  await store.deliveries.recordOutcomes([outcome(first!, 'failed')], T0 + 1);
  const [inFlight] = await claim(store, T0 + 1);
  await store.deliveries.retryDelivery(first!.id, T0 + 2); // waits behind seq 2

  const disabled = { ...ep, enabled: false, disabledReason: 'manual' as const };
  await store.deliveries.updateEndpoint({ ...disabled, updatedAt: T0 + 3 });
  await store.deliveries.updateEndpoint({ ...ep, updatedAt: T0 + 4 });
  assert.deepEqual(await claim(store, T0 + 4), [], 'seq 1 would be a second attempt in flight');
  assert.deepEqual(lane(store, 'ep_a', call.callId), [
    [1, null],
    [2, T0 + 4],
  ]);
  await store.deliveries.recordOutcomes(
    [outcome(inFlight!, { status: 'pending', nextAttemptAt: T0 + 60_000 })],
    T0 + 5,
  );
  assert.deepEqual(await sendAll(store, T0 + 6, 'delivered'), [1, 2]);
});

test('retrying the head itself makes it due now; unknown ids give undefined; delivered is refused', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const call = await startCall(store);
  await digits(store, call.callId, '1');
  const [head] = await claim(store, T0);
  await store.deliveries.recordOutcomes(
    [outcome(head!, { status: 'pending', nextAttemptAt: T0 + 3_600_000 })],
    T0 + 1,
  );

  const now = await store.deliveries.retryDelivery(head!.id, T0 + 10);
  assert.equal(now?.nextAttemptAt, T0 + 10);
  assert.equal(await store.deliveries.retryDelivery('dlv_unknown', T0), undefined);

  const [due] = await claim(store, T0 + 10);
  await store.deliveries.recordOutcomes([outcome(due!, 'delivered')], T0 + 11);
  await assert.rejects(
    store.deliveries.retryDelivery(head!.id, T0 + 12),
    (error: unknown) => error instanceof CallhookError && error.code === 'conflict',
  );
});

test("replay queues the endpoint's events of [since, until] again, with new ids, in lane order", async (t) => {
  const { store } = tempStore(t);
  const d = store.deliveries;
  await d.createEndpoint(endpoint('ep_a', { eventTypes: ['call.created', 'call.dtmf'] }));
  const a = await startCall(store, { at: T0 });
  await digits(store, a.callId, '12', T0 + 10);
  const b = await startCall(store, { at: T0 + 20, streamId: 'other' });
  await digits(store, b.callId, '3', T0 + 30);
  assert.deepEqual(await sendAll(store, T0 + 40, 'delivered'), [1, 1, 2, 2, 3]);
  const originals = (await d.listDeliveries('ep_a', { limit: 100 })).items;

  // Bounds are inclusive: call a's digits (T0 + 10) and call b's creation (T0 + 20).
  assert.equal(await d.replay('ep_a', T0 + 10, T0 + 20, T0 + 50), 3);
  const pending = (await d.listDeliveries('ep_a', { status: 'pending', limit: 100 })).items;
  assert.equal(pending.length, 3);
  for (const p of pending) {
    assert.ok(!originals.some((o) => o.id === p.id), 'a replayed delivery has a new id');
    const original = originals.find((o) => o.eventId === p.eventId && o.status === 'delivered');
    assert.ok(original, 'a replayed delivery carries the event id of the original');
    assert.deepEqual([p.attemptCount, p.createdAt], [0, T0 + 50]);
  }
  assert.deepEqual(lane(store, 'ep_a', a.callId), [
    [2, T0 + 50],
    [3, null],
  ]);
  assert.deepEqual(lane(store, 'ep_a', b.callId), [[1, T0 + 50]]);
  assert.deepEqual((await sendAll(store, T0 + 60, 'delivered')).sort(), [1, 2, 3]);
});

test("replay follows the endpoint's filter, and waits behind a head in flight", async (t) => {
  const { store } = tempStore(t);
  const d = store.deliveries;
  await d.createEndpoint(endpoint('ep_a', { filter: { streamId: 's1' } }));
  const a = await startCall(store, { at: T0, streamId: 's1' });
  await startCall(store, { at: T0, streamId: 's2' });
  const [head] = await claim(store, T0);
  await digits(store, a.callId, '1', T0 + 1);

  assert.equal(await d.replay('ep_a', T0, T0 + 1, T0 + 2), 2);
  // seq 1 is in flight: the lane keeps it as head; the replayed 1 and 2 wait in seq order.
  assert.deepEqual(lane(store, 'ep_a', a.callId), [
    [1, T0],
    [1, null],
    [2, null],
    [2, null],
  ]);
  await d.recordOutcomes([outcome(head!, 'delivered')], T0 + 3);
  assert.deepEqual(await sendAll(store, T0 + 4, 'delivered'), [1, 2, 2]);
});

test('replay refuses an unknown endpoint and since > until', async (t) => {
  const { store } = tempStore(t);
  await assert.rejects(
    store.deliveries.replay('ep_none', T0, T0 + 1, T0),
    (error: unknown) => error instanceof CallhookError && error.code === 'not_found',
  );
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  await assert.rejects(
    store.deliveries.replay('ep_a', T0 + 1, T0, T0),
    (error: unknown) => error instanceof CallhookError && error.code === 'validation_error',
  );
});
