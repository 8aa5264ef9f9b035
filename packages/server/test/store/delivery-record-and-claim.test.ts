import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  claim,
  digits,
  endpoint,
  LEASE_MS,
  lane,
  laneRows,
  OWNER,
  outcome,
  startCall,
  T0,
} from './fixtures/delivery-fixture.ts';
import { tempStore } from './fixtures/temp-store.ts';

// recordAndClaim: the dispatcher's one transaction per turn (outcomes, then a claim).

test('the outcome moves the lane on and the claim of the same call takes its next head', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const call = await startCall(store);
  await digits(store, call.callId, '12');
  const [head] = await claim(store, T0);
  assert.equal(head?.seq, 1);

  const next = await store.deliveries.recordAndClaim(
    [outcome(head!, 'delivered', T0 + 1)],
    T0 + 2,
    { owner: OWNER, limit: 10, leaseUntil: T0 + 2 + LEASE_MS },
  );

  assert.deepEqual(
    next.map((d) => d.seq),
    [2],
  );
  assert.equal((await store.deliveries.getDelivery(head!.id))?.status, 'delivered');
  // seq 2 is leased (in flight), seq 3 waits behind it.
  assert.deepEqual(lane(store, 'ep_a', call.callId), [
    [2, T0 + 2],
    [3, null],
  ]);
});

test('without a claim it only writes; with nothing to write and no claim it does nothing', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const call = await startCall(store);
  await digits(store, call.callId, '1');
  const [head] = await claim(store, T0);

  assert.deepEqual(await store.deliveries.recordAndClaim([], T0 + 1, null), []);
  assert.deepEqual(
    await store.deliveries.recordAndClaim([outcome(head!, 'delivered', T0 + 1)], T0 + 2, null),
    [],
  );
  const rows = laneRows(store, 'ep_a');
  assert.deepEqual(
    rows.map((r) => [r.seq, r.status, r.nextAttemptAt, r.leasedUntil]),
    [
      [1, 'delivered', null, null],
      [2, 'pending', T0 + 2, null],
    ],
  );
});

test('an endpoint at its limit is not claimed from, but its outcomes are written', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const call = await startCall(store);
  await digits(store, call.callId, '1');
  const [head] = await claim(store, T0);

  const claimed = await store.deliveries.recordAndClaim(
    [outcome(head!, 'delivered', T0 + 1)],
    T0 + 2,
    { owner: OWNER, limit: 10, leaseUntil: T0 + 2 + LEASE_MS, excludeEndpointIds: ['ep_a'] },
  );

  assert.deepEqual(claimed, []);
  assert.equal((await store.deliveries.getDelivery(head!.id))?.status, 'delivered');
});

test('a bad claim is refused before anything is written', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  await startCall(store);
  const [head] = await claim(store, T0);

  await assert.rejects(
    store.deliveries.recordAndClaim([outcome(head!, 'delivered', T0 + 1)], T0 + 2, {
      owner: OWNER,
      limit: 0,
      leaseUntil: T0 + 3,
    }),
    RangeError,
  );
  assert.equal((await store.deliveries.getDelivery(head!.id))?.status, 'pending');
});

test('a lane whose head is given up promotes the next seq; a retried head keeps its place', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const a = await startCall(store);
  const b = await startCall(store);
  await digits(store, a.callId, '1');
  await digits(store, b.callId, '1');
  const heads = await claim(store, T0);
  const headA = heads.find((d) => d.callId === a.callId)!;
  const headB = heads.find((d) => d.callId === b.callId)!;

  await store.deliveries.recordAndClaim(
    [
      outcome(headA, 'failed', T0 + 1),
      outcome(headB, { status: 'pending', nextAttemptAt: T0 + 500 }, T0 + 1),
    ],
    T0 + 2,
    null,
  );

  assert.deepEqual(lane(store, 'ep_a', a.callId), [[2, T0 + 2]]);
  assert.deepEqual(lane(store, 'ep_a', b.callId), [
    [1, T0 + 500],
    [2, null],
  ]);
});
