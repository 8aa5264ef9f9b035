import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeliveryStore } from '../../../src/store/delivery-port.ts';
import type { CallStore } from '../../../src/store/port.ts';
import { startCall, T0 } from './call-commands.ts';
import { endpoint, LEASE_MS } from './delivery-records.ts';
import type { StoreFactory } from './store-factory.ts';

// claimDue's per-endpoint cap: one endpoint's backlog never fills a claim while the due heads
// of other endpoints wait behind it (docs/contract.md §4: endpoints never wait on each other).

/** Calls created one ms apart from `at`: ep_busy subscribes to all; ep_quiet only to `quiet`. */
async function backlog(calls: CallStore, deliveries: DeliveryStore) {
  await deliveries.createEndpoint(endpoint('ep_busy'));
  await deliveries.createEndpoint(endpoint('ep_quiet', { filter: { streamId: 'quiet' } }));
  for (let i = 0; i < 5; i++) await startCall(calls, { streamId: 'loud', at: T0 + i });
  // The quiet endpoint's heads are due last of all.
  for (let i = 0; i < 2; i++) await startCall(calls, { streamId: 'quiet', at: T0 + 10 + i });
}

const count = (due: { endpointId: string }[], id: string) =>
  due.filter((d) => d.endpointId === id).length;

export function endpointShareContract(open: StoreFactory): void {
  test("a claim takes at most perEndpoint.limit of one endpoint's heads, and fills up with others'", async (t) => {
    const { calls, deliveries } = await open(t);
    await backlog(calls, deliveries);
    const due = await deliveries.claimDue(T0 + 100, {
      owner: 'node-a',
      limit: 5,
      leaseUntil: T0 + 100 + LEASE_MS,
      perEndpoint: { limit: 2 },
    });
    // ep_busy has 7 heads due, all no later than ep_quiet's 2: capped at 2, it leaves room.
    assert.deepEqual([count(due, 'ep_busy'), count(due, 'ep_quiet')], [2, 2]);
    assert.equal(due.length, 4);
    const busy = due.filter((d) => d.endpointId === 'ep_busy').map((d) => d.nextAttemptAt);
    assert.deepEqual(busy, [T0, T0 + 1], 'the oldest due of a capped endpoint go first');
  });

  test('the attempts an endpoint has in flight count against its share', async (t) => {
    const { calls, deliveries } = await open(t);
    await backlog(calls, deliveries);
    const due = await deliveries.claimDue(T0 + 100, {
      owner: 'node-a',
      limit: 10,
      leaseUntil: T0 + 100 + LEASE_MS,
      perEndpoint: { limit: 3, inFlight: { ep_busy: 2, ep_quiet: 3 } },
    });
    assert.deepEqual([count(due, 'ep_busy'), count(due, 'ep_quiet')], [1, 0]);
  });

  test('without perEndpoint, one endpoint may take all the claim leaves', async (t) => {
    const { calls, deliveries } = await open(t);
    await backlog(calls, deliveries);
    const due = await deliveries.claimDue(T0 + 100, {
      owner: 'node-a',
      limit: 6,
      leaseUntil: T0 + 100 + LEASE_MS,
    });
    // ep_quiet's 2 heads are in it whatever the order; ep_busy fills the rest, past any share.
    assert.deepEqual([count(due, 'ep_busy'), count(due, 'ep_quiet')], [4, 2]);
  });

  test('when the limit binds, every endpoint with due heads is in the claim', async (t) => {
    const { calls, deliveries } = await open(t);
    await backlog(calls, deliveries);
    for (let turn = 0; turn < 3; turn++) {
      const due = await deliveries.claimDue(T0 + 100, {
        owner: 'node-a',
        limit: 2,
        leaseUntil: T0 + 100 + LEASE_MS,
      });
      assert.equal(count(due, 'ep_quiet'), turn < 2 ? 1 : 0, `claim ${turn + 1}`);
      assert.equal(due.length, 2);
    }
  });
}
