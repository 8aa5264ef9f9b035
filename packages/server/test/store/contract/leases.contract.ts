import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeliveryStore } from '../../../src/store/delivery-port.ts';
import type { CallStore } from '../../../src/store/port.ts';
import { dtmf, startCall, T0 } from './call-commands.ts';
import { claim, endpoint, LEASE_MS, lanesOf, outcome } from './delivery-records.ts';
import type { StoreFactory } from './store-factory.ts';

// Leases: a claim leases each head to its owner until `leaseUntil`; nobody else gets it meanwhile.

/** `n` calls, each a lane of ep_a with one delivery due at T0; returns the call ids. */
async function lanes(calls: CallStore, deliveries: DeliveryStore, n: number): Promise<string[]> {
  await deliveries.createEndpoint(endpoint('ep_a'));
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await startCall(calls)).state.callId);
  return ids;
}

export function leasesContract(open: StoreFactory): void {
  test('two owners claiming at once get disjoint sets', async (t) => {
    const { calls, deliveries } = await open(t);
    await lanes(calls, deliveries, 6);
    const [a, b] = await Promise.all([
      claim(deliveries, T0, 'node-a', { limit: 4 }),
      claim(deliveries, T0, 'node-b', { limit: 4 }),
    ]);
    const ids = [...a!, ...b!].map((d) => d.id);
    assert.equal(new Set(ids).size, ids.length, 'no delivery is claimed twice');
    assert.equal(ids.length, 6);
  });

  test('an unexpired lease is claimable by nobody; an expired one by anybody', async (t) => {
    const { calls, deliveries } = await open(t);
    await lanes(calls, deliveries, 1);
    const [held] = await claim(deliveries, T0, 'node-a');
    assert.ok(held);
    assert.deepEqual(await claim(deliveries, T0 + LEASE_MS - 1, 'node-b'), []);
    assert.deepEqual(await claim(deliveries, T0 + LEASE_MS - 1, 'node-a'), []);
    const [taken] = await claim(deliveries, T0 + LEASE_MS + 1, 'node-b');
    // node-a's attempt may have been sent: it counts, and node-b's is the second.
    assert.deepEqual([taken?.id, taken?.attemptCount], [held.id, 1]);
    assert.deepEqual(await claim(deliveries, T0 + LEASE_MS + 2, 'node-a'), []);
  });

  test('an outcome ends the lease: a retry is claimable when due, before the lease would end', async (t) => {
    const { calls, deliveries } = await open(t);
    await lanes(calls, deliveries, 1);
    const [held] = await claim(deliveries, T0, 'node-a');
    await deliveries.recordOutcomes(
      [outcome(held!, { status: 'pending', nextAttemptAt: T0 + 5_000 })],
      T0 + 1,
    );
    const [again] = await claim(deliveries, T0 + 5_000, 'node-b');
    assert.deepEqual([again?.id, again?.attemptCount], [held!.id, 1]);
  });

  test("releaseLeases frees only the owner's leases, whose heads are due at once", async (t) => {
    const { calls, deliveries } = await open(t);
    await lanes(calls, deliveries, 3);
    const mine = await claim(deliveries, T0, 'node-a', { limit: 2 });
    const theirs = await claim(deliveries, T0, 'node-b', { limit: 1 });
    assert.deepEqual([mine.length, theirs.length], [2, 1]);

    assert.equal(await deliveries.releaseLeases('node-a', T0 + 10), 2);
    assert.equal(await deliveries.releaseLeases('node-a', T0 + 11), 0);
    assert.equal(await deliveries.releaseLeases('node-c', T0 + 11), 0);
    const retaken = await claim(deliveries, T0 + 10, 'node-c');
    assert.deepEqual(lanesOf(retaken), lanesOf(mine));
    assert.ok(retaken.every((d) => d.nextAttemptAt !== null && d.nextAttemptAt <= T0 + 10));
    // node-b's lease is untouched: nobody gets its head until the lease ends.
    assert.deepEqual(await claim(deliveries, T0 + 20, 'node-c'), []);
    assert.deepEqual(
      (await claim(deliveries, T0 + LEASE_MS + 1, 'node-c')).map((d) => d.id),
      theirs.map((d) => d.id),
    );
  });

  test('recordAndClaim writes the outcomes, then claims what they made due, in one call', async (t) => {
    const { calls, deliveries } = await open(t);
    const [callId] = await lanes(calls, deliveries, 1);
    await dtmf(calls, callId!, '1');
    const [first] = await claim(deliveries, T0, 'node-a');
    const claimed = await deliveries.recordAndClaim([outcome(first!, 'delivered')], T0 + 1, {
      owner: 'node-a',
      limit: 10,
      leaseUntil: T0 + 1 + LEASE_MS,
    });
    assert.deepEqual(
      claimed.map((d) => d.seq),
      [2],
    );
    assert.equal((await deliveries.getDelivery(first!.id))?.status, 'delivered');
    assert.deepEqual(await claim(deliveries, T0 + 2, 'node-b'), []);
    assert.deepEqual(await deliveries.recordAndClaim([], T0 + 2, null), []);
  });
}
