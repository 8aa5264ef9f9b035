import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OWNERSHIP_TTL_MS } from '../../../src/store/postgres/pg-endpoint-owners.ts';
import { openPgStore, type PgStore } from '../../../src/store/postgres/pg-store.ts';
import { freshSchema } from '../../support/postgres.ts';
import { startCall, T0 } from '../contract/call-commands.ts';
import { claim, endpoint, LEASE_MS, outcome } from '../contract/delivery-records.ts';

// Endpoint ownership across nodes (pg-endpoint-owners.ts): only the node that owns an
// endpoint claims its deliveries; a node that closes lets its endpoints go at once, one that
// dies loses them when its lease lapses, and live nodes share the endpoints between them.

async function nodes(t: Parameters<typeof freshSchema>[0], ids: string[]): Promise<PgStore[]> {
  const place = await freshSchema(t);
  const stores: PgStore[] = [];
  for (const nodeId of ids) stores.push(await openPgStore({ ...place, poolSize: 4, nodeId }));
  t.after(async () => {
    for (const s of stores) await s.close();
  });
  return stores;
}

/** Resolves when `store` hears that another node changed the endpoints (or their owners). */
function hearsEndpoints(store: PgStore): Promise<void> {
  return new Promise((resolve) => {
    const stop = store.changes.subscribe((notice) => {
      if (notice.endpoints && notice.fromAnotherNode) {
        stop();
        resolve();
      }
    });
  });
}

test("only an endpoint's owner claims it; another node takes it the moment the owner closes", async (t) => {
  const [a, b] = await nodes(t, ['node-a', 'node-b']);
  await a!.deliveries.createEndpoint(endpoint('ep_one'));
  await startCall(a!.calls, { at: T0 });
  const mine = await claim(a!.deliveries, T0, 'node-a');
  assert.deepEqual(
    mine.map((d) => [d.endpointId, d.seq]),
    [['ep_one', 1]],
  );
  // A second call made on B: its head is due, but A owns the endpoint.
  const second = await startCall(b!.calls, { at: T0 });
  assert.deepEqual(await claim(b!.deliveries, T0, 'node-b'), [], "B claims nothing of A's");
  const taken = await claim(a!.deliveries, T0 + 1, 'node-a');
  assert.deepEqual(
    taken.map((d) => d.callId),
    [second.state.callId],
  );
  await a!.deliveries.recordOutcomes([outcome(mine[0]!, 'delivered', T0)], T0 + 2);

  const heard = hearsEndpoints(b!);
  await a!.close();
  await heard;
  // B takes the endpoint at once (no ownership lease to wait out): a new call's head now, and
  // the second call's, which A claimed and never settled, once A's delivery lease ends.
  const third = await startCall(b!.calls, { at: T0 + 3 });
  const afterClose = await claim(b!.deliveries, T0 + 3, 'node-b');
  assert.deepEqual(
    afterClose.map((d) => d.callId),
    [third.state.callId],
  );
  const lapsed = await claim(b!.deliveries, T0 + 1 + LEASE_MS, 'node-b');
  assert.deepEqual(
    lapsed.map((d) => d.callId),
    [second.state.callId],
  );
});

test('an owner that stops renewing loses its endpoints once its lease lapses', async (t) => {
  const [a, b] = await nodes(t, ['node-a', 'node-b']);
  await a!.deliveries.createEndpoint(endpoint('ep_one'));
  assert.deepEqual(await claim(a!.deliveries, T0, 'node-a'), []); // A owns it from here
  await startCall(b!.calls, { at: T0 });
  // A goes silent (as if killed): it never claims again.
  const lastLook = T0 + OWNERSHIP_TTL_MS - 1;
  assert.deepEqual(await claim(b!.deliveries, lastLook, 'node-b'), [], 'A still holds it');
  // B looks again at its next refresh, after A's lease has ended, and takes the endpoint.
  const nextLook = await b!.deliveries.nextDueAt();
  assert.ok(nextLook !== null && nextLook > T0 + OWNERSHIP_TTL_MS, `next look ${nextLook}`);
  const due = await claim(b!.deliveries, nextLook, 'node-b');
  assert.deepEqual(
    due.map((d) => [d.endpointId, d.seq]),
    [['ep_one', 1]],
  );
});

test('live nodes share the endpoints: one that joins gets its part from the one that had all', async (t) => {
  const [a, b] = await nodes(t, ['node-a', 'node-b']);
  const ids = ['ep_1', 'ep_2', 'ep_3', 'ep_4'];
  for (const id of ids) await a!.deliveries.createEndpoint(endpoint(id));
  assert.deepEqual(await claim(a!.deliveries, T0, 'node-a'), []); // alone: A takes all four
  assert.deepEqual(await claim(b!.deliveries, T0, 'node-b'), []); // B joins, finds none free
  // At their next refresh, A keeps its share (two) and lets the rest go; B takes them.
  const released = hearsEndpoints(b!);
  await claim(a!.deliveries, T0 + 3_000, 'node-a');
  await released;
  await claim(b!.deliveries, T0 + 3_000, 'node-b');
  await startCall(a!.calls, { at: T0 + 3_000 }); // one event: one delivery per endpoint
  const byA = (await claim(a!.deliveries, T0 + 3_001, 'node-a')).map((d) => d.endpointId);
  const byB = (await claim(b!.deliveries, T0 + 3_001, 'node-b')).map((d) => d.endpointId);
  assert.equal(byA.length, 2, `A claimed ${byA}`);
  assert.equal(byB.length, 2, `B claimed ${byB}`);
  assert.deepEqual([...byA, ...byB].sort(), ids);
});

test("a node waits for the owner's lease to end before it looks at an endpoint again", async (t) => {
  const [a, b] = await nodes(t, ['node-a', 'node-b']);
  // Two endpoints, two nodes: one each. Only the first takes the event made below.
  await a!.deliveries.createEndpoint(endpoint('ep_1'));
  await a!.deliveries.createEndpoint(endpoint('ep_2', { eventTypes: ['call.dtmf'] }));
  await claim(a!.deliveries, T0, 'node-a');
  await claim(b!.deliveries, T0, 'node-b');
  await claim(a!.deliveries, T0 + 3_000, 'node-a'); // keeps ep_1, lets ep_2 go
  await claim(b!.deliveries, T0 + 3_000, 'node-b'); // takes ep_2
  await startCall(a!.calls, { at: T0 + 3_000 });
  // Due now, but on A's endpoint: B could take it only once A's ownership lease ends.
  assert.equal(await b!.deliveries.nextDueAt(), T0 + 3_000 + OWNERSHIP_TTL_MS);
  assert.equal(await a!.deliveries.nextDueAt(), T0 + 3_000);
});

test('a node that owns nothing asks the database nothing until its next look', async (t) => {
  const [a, b] = await nodes(t, ['node-a', 'node-b']);
  await a!.deliveries.createEndpoint(endpoint('ep_one'));
  await claim(a!.deliveries, T0, 'node-a');
  await claim(b!.deliveries, T0, 'node-b');
  await startCall(a!.calls, { at: T0 });
  // B's claims before its next refresh are answered from memory, and so is when to look again.
  const asked: string[] = [];
  const { query, connect } = b!.pool;
  t.after(() => Object.assign(b!.pool, { query, connect }));
  Object.assign(b!.pool, {
    query: (...args: unknown[]) => {
      asked.push('query');
      return (query as (...a: unknown[]) => unknown).apply(b!.pool, args);
    },
    connect: (...args: unknown[]) => {
      asked.push('connect');
      return (connect as (...a: unknown[]) => unknown).apply(b!.pool, args);
    },
  });
  assert.deepEqual(await claim(b!.deliveries, T0 + 100, 'node-b'), []);
  assert.equal(await b!.deliveries.nextDueAt(), T0 + 3_000);
  assert.deepEqual(asked, []);
  // At its next look it asks again (and, A being alive, still gets nothing).
  assert.deepEqual(await claim(b!.deliveries, T0 + 3_000, 'node-b'), []);
  assert.ok(asked.length > 0);
});
