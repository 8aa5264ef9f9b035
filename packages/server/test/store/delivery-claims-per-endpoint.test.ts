import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DueClaim } from '../../src/store/delivery-port.ts';
import { endpoint, LEASE_MS, OWNER, startCall, T0 } from './fixtures/delivery-fixture.ts';
import { tempStore } from './fixtures/temp-store.ts';

// perEndpoint: a claim takes no more of one endpoint than its free slots, and goes on past
// that endpoint's backlog to the others' heads (docs/contract.md §4: endpoints never wait on each
// other).

const claimOf = (fields: Partial<DueClaim>): DueClaim => ({
  owner: OWNER,
  limit: 100,
  leaseUntil: T0 + 1_000 + LEASE_MS,
  ...fields,
});

const countBy = (ids: readonly string[]) => {
  const counts: Record<string, number> = {};
  for (const id of ids) counts[id] = (counts[id] ?? 0) + 1;
  return counts;
};

test("one endpoint's older backlog does not fill the claim: the others' heads come in it", async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_backlog'));
  // Twenty calls go to ep_backlog only, before the other endpoints exist: older heads.
  for (let i = 0; i < 20; i += 1) await startCall(store, { at: T0 + i });
  await store.deliveries.createEndpoint(endpoint('ep_b'));
  await store.deliveries.createEndpoint(endpoint('ep_c'));
  for (let i = 0; i < 3; i += 1) await startCall(store, { at: T0 + 100 + i });

  const claimed = await store.deliveries.claimDue(
    T0 + 1_000,
    claimOf({ limit: 8, perEndpoint: { limit: 4 } }),
  );

  // The limit binds: every endpoint is in the claim, none above its share of 4.
  const counts = countBy(claimed.map((d) => d.endpointId));
  assert.equal(claimed.length, 8);
  assert.deepEqual(Object.keys(counts).sort(), ['ep_b', 'ep_backlog', 'ep_c']);
  for (const n of Object.values(counts)) assert.ok(n >= 2 && n <= 4, JSON.stringify(counts));
  // Oldest due first within each endpoint.
  for (const id of Object.keys(counts)) {
    const times = claimed.filter((d) => d.endpointId === id).map((d) => d.nextAttemptAt!);
    assert.deepEqual(
      times,
      [...times].sort((x, y) => x - y),
    );
  }
});

test('attempts in flight use up an endpoint’s share; a full endpoint gets nothing', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  await store.deliveries.createEndpoint(endpoint('ep_b'));
  for (let i = 0; i < 10; i += 1) await startCall(store, { at: T0 + i });

  const claimed = await store.deliveries.claimDue(
    T0 + 1_000,
    claimOf({ perEndpoint: { limit: 4, inFlight: { ep_a: 3, ep_b: 4 } } }),
  );

  assert.deepEqual(countBy(claimed.map((d) => d.endpointId)), { ep_a: 1 });
});

test('passed-over heads stay due and unleased for the next claim', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  for (let i = 0; i < 5; i += 1) await startCall(store, { at: T0 + i });

  const first = await store.deliveries.claimDue(T0 + 1_000, claimOf({ perEndpoint: { limit: 2 } }));
  const second = await store.deliveries.claimDue(
    T0 + 1_000,
    claimOf({ perEndpoint: { limit: 2 } }),
  );
  const third = await store.deliveries.claimDue(T0 + 1_000, claimOf({ perEndpoint: { limit: 2 } }));

  assert.deepEqual([first.length, second.length, third.length], [2, 2, 1]);
  const all = [...first, ...second, ...third].map((d) => d.id);
  assert.equal(new Set(all).size, 5);
});
