import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  claim,
  digits,
  endpoint,
  lane,
  outcome,
  startCall,
  T0,
} from './fixtures/delivery-fixture.ts';
import { tempStore } from './fixtures/temp-store.ts';

// docs/contract.md §4: seq n+1 of a call is not sent to an endpoint before seq n was delivered
// there or given up; calls never wait on each other, nor endpoints.

test('only the lane head is due; delivering it makes the next seq due at that moment', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const call = await startCall(store);
  await digits(store, call.callId, '12');

  const first = await claim(store, T0 + 100);
  assert.deepEqual(
    first.map((d) => d.seq),
    [1],
  );
  await store.deliveries.recordOutcomes([outcome(first[0]!, 'delivered', T0 + 100)], T0 + 150);
  assert.deepEqual(lane(store, 'ep_a', call.callId), [
    [2, T0 + 150],
    [3, null],
  ]);
  assert.equal(await store.deliveries.nextDueAt(), T0 + 150);

  const second = await claim(store, T0 + 150);
  assert.deepEqual(
    second.map((d) => d.seq),
    [2],
  );
});

test('giving a delivery up (failed) moves the lane on as delivering it does', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const call = await startCall(store);
  await digits(store, call.callId, '1');

  const [head] = await claim(store, T0);
  await store.deliveries.recordOutcomes([outcome(head!, 'failed', T0)], T0 + 7);

  assert.deepEqual(lane(store, 'ep_a', call.callId), [[2, T0 + 7]]);
  const failed = await store.deliveries.getDelivery(head!.id);
  assert.equal(failed?.status, 'failed');
  assert.equal(failed?.nextAttemptAt, null);
  assert.equal(failed?.attemptCount, 1);
});

test('a retry keeps the head in place, due at its retry time, and the lane waits for it', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const call = await startCall(store);
  await digits(store, call.callId, '1');

  const [head] = await claim(store, T0);
  const retryAt = T0 + 5_000;
  await store.deliveries.recordOutcomes(
    [outcome(head!, { status: 'pending', nextAttemptAt: retryAt }, T0)],
    T0 + 10,
  );

  assert.deepEqual(lane(store, 'ep_a', call.callId), [
    [1, retryAt],
    [2, null],
  ]);
  assert.equal(await store.deliveries.nextDueAt(), retryAt);
  assert.deepEqual(await claim(store, retryAt - 1), []);
  const again = await claim(store, retryAt);
  assert.deepEqual(
    again.map((d) => [d.id, d.seq, d.attemptCount]),
    [[head!.id, 1, 1]],
  );
});

test('lanes of different calls are independent', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const a = await startCall(store, { at: T0 });
  const b = await startCall(store, { at: T0 + 1 });
  await digits(store, a.callId, '12', T0 + 2);
  await digits(store, b.callId, '3', T0 + 3);

  // One head per call, oldest due first.
  const heads = await claim(store, T0 + 10);
  assert.deepEqual(
    heads.map((d) => [d.callId, d.seq]),
    [
      [a.callId, 1],
      [b.callId, 1],
    ],
  );
  // Call b moves on while call a's head is still in flight.
  await store.deliveries.recordOutcomes([outcome(heads[1]!, 'delivered')], T0 + 20);
  assert.deepEqual(
    (await claim(store, T0 + 20)).map((d) => [d.callId, d.seq]),
    [[b.callId, 2]],
  );
  assert.deepEqual(lane(store, 'ep_a', a.callId), [
    [1, T0],
    [2, null],
    [3, null],
  ]);
});

test('lanes of different endpoints are independent', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  await store.deliveries.createEndpoint(endpoint('ep_b'));
  const call = await startCall(store);
  await digits(store, call.callId, '1');

  const heads = await claim(store, T0);
  assert.deepEqual(heads.map((d) => [d.endpointId, d.seq]).sort(), [
    ['ep_a', 1],
    ['ep_b', 1],
  ]);
  const ofA = heads.find((d) => d.endpointId === 'ep_a')!;
  const ofB = heads.find((d) => d.endpointId === 'ep_b')!;
  await store.deliveries.recordOutcomes(
    [outcome(ofA, 'delivered'), outcome(ofB, { status: 'pending', nextAttemptAt: T0 + 60_000 })],
    T0 + 5,
  );

  assert.deepEqual(lane(store, 'ep_a', call.callId), [[2, T0 + 5]]);
  assert.deepEqual(lane(store, 'ep_b', call.callId), [
    [1, T0 + 60_000],
    [2, null],
  ]);
});

test('events appended while the head is in flight wait behind it', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const call = await startCall(store);
  const [head] = await claim(store, T0);

  await digits(store, call.callId, '12', T0 + 1);
  assert.deepEqual(await claim(store, T0 + 2), []);
  await store.deliveries.recordOutcomes([outcome(head!, 'delivered')], T0 + 3);
  assert.deepEqual(
    (await claim(store, T0 + 3)).map((d) => d.seq),
    [2],
  );
});
