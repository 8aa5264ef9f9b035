import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AttemptOutcome } from '../../src/store/delivery-port.ts';
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

test('an outcome writes its attempt row and the delivery state, and clears the lease', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  await startCall(store);
  const [due] = await claim(store, T0);
  const written = outcome(due!, 'delivered', T0 + 1);

  await store.deliveries.recordOutcomes([written], T0 + 20);

  const delivery = await store.deliveries.getDelivery(due!.id);
  assert.equal(delivery?.status, 'delivered');
  assert.equal(delivery?.attemptCount, 1);
  assert.equal(delivery?.updatedAt, T0 + 20);
  assert.deepEqual(delivery?.attempts, [written.attempt]);
  const lease = store.db
    .prepare('SELECT leased_until FROM deliveries WHERE id = ?')
    .pluck()
    .get(due!.id);
  assert.equal(lease, null);
});

test('the endpoint share of an outcome: failure run kept, cleared, and 410 disables and parks', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const a = await startCall(store);
  const b = await startCall(store);
  await digits(store, a.callId, '1');

  let [first, second] = await claim(store, T0);
  await store.deliveries.recordOutcomes(
    [outcome(first!, { status: 'pending', nextAttemptAt: T0 + 5 }, T0, { failingSince: T0 })],
    T0 + 1,
  );
  assert.equal((await store.deliveries.getEndpoint('ep_a'))?.failingSince, T0);

  await store.deliveries.recordOutcomes(
    [outcome(second!, 'delivered', T0 + 2, { failingSince: null })],
    T0 + 2,
  );
  assert.equal((await store.deliveries.getEndpoint('ep_a'))?.failingSince, null);

  [first] = await claim(store, T0 + 5);
  await store.deliveries.recordOutcomes(
    [outcome(first!, 'failed', T0 + 5, { failingSince: T0 + 5, disable: 'gone' })],
    T0 + 6,
  );
  const ep = await store.deliveries.getEndpoint('ep_a');
  assert.deepEqual([ep?.enabled, ep?.disabledReason, ep?.failingSince], [false, 'gone', T0 + 5]);
  // Its pending deliveries stay, parked, to go out when it is enabled again.
  assert.deepEqual(lane(store, 'ep_a', a.callId), [[2, null]]);
  assert.deepEqual(lane(store, 'ep_a', b.callId), []);
  assert.equal(await store.deliveries.nextDueAt(), null);
  // Nor does it get new events.
  await digits(store, b.callId, '2', T0 + 7);
  assert.deepEqual(lane(store, 'ep_a', b.callId), []);
});

test('a retry decided together with a "failing" disable stays pending, parked', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const call = await startCall(store);
  const [due] = await claim(store, T0);
  await store.deliveries.recordOutcomes(
    [
      outcome(due!, { status: 'pending', nextAttemptAt: T0 + 60_000 }, T0, {
        failingSince: T0 - 5 * 86_400_000,
        disable: 'failing',
      }),
    ],
    T0 + 1,
  );
  assert.deepEqual(lane(store, 'ep_a', call.callId), [[1, null]]);
  const ep = await store.deliveries.getEndpoint('ep_a');
  await store.deliveries.updateEndpoint({
    ...ep!,
    enabled: true,
    disabledReason: null,
    failingSince: null,
    updatedAt: T0 + 9,
  });
  assert.deepEqual(lane(store, 'ep_a', call.callId), [[1, T0 + 9]]);
});

test('a batch of outcomes is one transaction: a bad one writes none of them', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const a = await startCall(store);
  await startCall(store);
  const [x, y] = await claim(store, T0);
  const bad = outcome(y!, 'delivered') as AttemptOutcome;
  (bad.next as { status: string }).status = 'lost'; // rejected by the CHECK constraint

  await assert.rejects(
    store.deliveries.recordOutcomes([outcome(x!, 'delivered'), bad], T0 + 1),
    /CHECK/,
  );
  assert.equal((await store.deliveries.getDelivery(x!.id))?.status, 'pending');
  assert.deepEqual((await store.deliveries.getDelivery(x!.id))?.attempts, []);
  assert.deepEqual(lane(store, 'ep_a', a.callId), [[1, T0]]);
});

test('an outcome whose endpoint was deleted meanwhile is dropped; a duplicate changes nothing', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  await store.deliveries.createEndpoint(endpoint('ep_b'));
  const call = await startCall(store);
  await digits(store, call.callId, '1');
  const claimed = await claim(store, T0);
  const ofA = claimed.find((d) => d.endpointId === 'ep_a')!;
  const ofB = claimed.find((d) => d.endpointId === 'ep_b')!;
  await store.deliveries.deleteEndpoint('ep_a');

  await store.deliveries.recordOutcomes(
    [outcome(ofA, 'delivered'), outcome(ofB, 'delivered')],
    T0 + 1,
  );
  // The same attempt reported twice (a lease that ran out): the first outcome stands.
  await store.deliveries.recordOutcomes([outcome(ofB, 'failed', T0 + 2)], T0 + 2);

  const b = await store.deliveries.getDelivery(ofB.id);
  assert.equal(b?.status, 'delivered');
  assert.equal(b?.attempts.length, 1);
  assert.equal(b?.attempts[0]?.statusCode, 200);
  assert.deepEqual(lane(store, 'ep_b', call.callId), [[2, T0 + 1]]);
});
