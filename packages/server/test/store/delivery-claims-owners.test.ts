import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DueClaim } from '../../src/store/delivery-port.ts';
import { endpoint, LEASE_MS, lane, laneRows, startCall, T0 } from './fixtures/delivery-fixture.ts';
import { tempStore } from './fixtures/temp-store.ts';

// A lease names its owner (the node that claimed): a node starting frees only its own, and
// anyone may take over a lease that has expired (docs/contract.md §4: nothing accepted is lost).

const claimAs = (owner: string, now: number, limit = 100): DueClaim => ({
  owner,
  limit,
  leaseUntil: now + LEASE_MS,
});

// These are the leases of delivery rows. A delivery not written yet (the deferred outbox) is
// leased in the memory of the one process that holds the file (the contract suite's leases
// tests cover both); each test here writes the outbox out first, as a listing would.

function leasedBy(store: ReturnType<typeof tempStore>['store'], id: string): string | null {
  const row = store.db.prepare('SELECT leased_by FROM deliveries WHERE id = ?').get(id) as {
    leased_by: string | null;
  };
  return row.leased_by;
}

test('two nodes claiming at once on one database get disjoint sets, each lease in its name', async (t) => {
  const { store, reopen } = tempStore(t);
  const other = reopen(); // a second connection: a second node on the same file
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  await store.deliveries.createEndpoint(endpoint('ep_b'));
  for (let i = 0; i < 10; i += 1) await startCall(store, { at: T0 + i });
  store.deliveries.writeUnwritten();

  const [a, b] = await Promise.all([
    store.deliveries.claimDue(T0 + 100, claimAs('node_a', T0 + 100, 7)),
    other.deliveries.claimDue(T0 + 100, claimAs('node_b', T0 + 100, 7)),
  ]);

  assert.equal(a.length + b.length, 14);
  const ids = new Set(a.map((d) => d.id));
  assert.deepEqual(
    b.filter((d) => ids.has(d.id)),
    [],
  );
  for (const d of a) assert.equal(leasedBy(store, d.id), 'node_a');
  for (const d of b) assert.equal(leasedBy(store, d.id), 'node_b');
  // The six left are claimable by either.
  assert.equal((await other.deliveries.claimDue(T0 + 100, claimAs('node_b', T0 + 100))).length, 6);
});

test("releaseLeases(owner) frees that owner's leases only, never another's unexpired one", async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const one = await startCall(store, { at: T0 });
  const two = await startCall(store, { at: T0 + 1 });
  store.deliveries.writeUnwritten();
  const [ofA] = await store.deliveries.claimDue(T0 + 2, claimAs('node_a', T0 + 2, 1));
  const [ofB] = await store.deliveries.claimDue(T0 + 2, claimAs('node_b', T0 + 2, 1));
  assert.equal(ofA?.callId, one.callId);
  assert.equal(ofB?.callId, two.callId);

  // Node b restarts: its own lease ends at once, a's lease (a live node) holds.
  assert.equal(await store.deliveries.releaseLeases('node_b', T0 + 10), 1);
  assert.equal(leasedBy(store, ofA!.id), 'node_a');
  assert.equal(leasedBy(store, ofB!.id), null);
  const again = await store.deliveries.claimDue(T0 + 10, claimAs('node_b', T0 + 10));
  assert.deepEqual(
    again.map((d) => d.id),
    [ofB!.id],
  );
  assert.equal(await store.deliveries.releaseLeases('node_c', T0 + 10), 0);
});

test('an expired lease of a is claimable by b, and then is b’s to release', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const call = await startCall(store);
  store.deliveries.writeUnwritten();
  const [held] = await store.deliveries.claimDue(T0, claimAs('node_a', T0));
  assert.deepEqual(await store.deliveries.claimDue(T0 + 1, claimAs('node_b', T0 + 1)), []);

  // Node a died and never came back: from the lease's end anyone may take it over.
  const later = T0 + LEASE_MS;
  const taken = await store.deliveries.claimDue(later, claimAs('node_b', later));
  assert.deepEqual(
    taken.map((d) => d.id),
    [held!.id],
  );
  assert.equal(leasedBy(store, held!.id), 'node_b');
  // a coming back late frees nothing of b's.
  assert.equal(await store.deliveries.releaseLeases('node_a', later + 1), 0);
  assert.equal(await store.deliveries.releaseLeases('node_b', later + 1), 1);
  assert.deepEqual(lane(store, 'ep_a', call.callId), [[1, T0]]);
});

test('an outcome ends the lease and its owner', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  await startCall(store);
  const [head] = await store.deliveries.claimDue(T0, claimAs('node_a', T0));
  await store.deliveries.recordOutcomes(
    [
      {
        owner: 'node_a',
        attempt: {
          deliveryId: head!.id,
          attempt: 1,
          startedAt: T0,
          statusCode: 500,
          latencyMs: 1,
          error: 'HTTP 500',
          responseBody: '',
        },
        next: { status: 'pending', nextAttemptAt: T0 + 5_000 },
      },
    ],
    T0 + 1,
  );
  assert.equal(leasedBy(store, head!.id), null);
  assert.deepEqual(
    laneRows(store, 'ep_a').map((r) => [r.nextAttemptAt, r.leasedUntil]),
    [[T0 + 5_000, null]],
  );
});
