import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { SqliteStore } from '../../src/store/sqlite/index.ts';
import { digits, endpoint, lane, laneRows, startCall, T0 } from './fixtures/delivery-fixture.ts';
import { createCall, sendDigits } from './fixtures/fabricated-calls.ts';
import { tempStore } from './fixtures/temp-store.ts';

function count(store: SqliteStore, table: string): number {
  return (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

test('each appended event gets one delivery per endpoint', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  await store.deliveries.createEndpoint(endpoint('ep_b'));

  const call = await startCall(store, { at: T0 });
  await digits(store, call.callId, '12', T0 + 5);

  const events = await store.readEvents({ limit: 10 });
  for (const id of ['ep_a', 'ep_b']) {
    const page = await store.deliveries.listDeliveries(id, { limit: 10 });
    const bySeq = [...page.items].sort((a, b) => a.seq - b.seq);
    assert.deepEqual(
      bySeq.map((d) => [d.eventId, d.eventPosition, d.callId, d.seq, d.eventType, d.status]),
      events.map((e) => [e.id, e.position, e.callId, e.seq, e.type, 'pending']),
    );
    for (const d of bySeq) {
      assert.match(d.id, /^dlv_[0-9a-f]{32}$/);
      assert.equal(d.attemptCount, 0);
      assert.deepEqual(d.attempts, []);
    }
    // The lane rule at insert: the first is due when it happened, the others wait behind it.
    assert.deepEqual(lane(store, id, call.callId), [
      [1, T0],
      [2, null],
      [3, null],
    ]);
  }
});

test('a decide that throws writes neither events nor deliveries', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const change = createCall({ at: T0 });

  await assert.rejects(
    store.runCommand(change.state.callId, () => {
      throw new Error('refused');
    }),
    /refused/,
  );
  assert.equal(count(store, 'events'), 0);
  assert.equal(count(store, 'deliveries'), 0);
});

test('a command writes its events only; rolled back, it leaves nothing a delivery could come of', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const call = await startCall(store);
  let written = -1;
  const remove = store.onEventsAppended((db) => {
    // The deferred outbox: no delivery row is written inside the command's transaction.
    written = (db.prepare('SELECT COUNT(*) AS n FROM deliveries').get() as { n: number }).n;
    throw new Error('hook failed');
  });

  await assert.rejects(digits(store, call.callId, '123', T0 + 1), /hook failed/);
  remove();

  assert.equal(written, 0);
  assert.equal(count(store, 'events'), 1);
  // The deliveries come from the log: one event, one delivery.
  assert.equal(laneRows(store, 'ep_a').length, 1);
  assert.deepEqual(lane(store, 'ep_a', call.callId), [[1, T0]]);
});

test('a constraint failure on an event leaves no delivery behind', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const call = await startCall(store);
  // seq 2 twice in one command: the second insert violates UNIQUE (call_id, seq).
  const change = sendDigits(call, '1', T0 + 1);
  const twice = [...change.events, { ...change.events[0]!, id: randomUUID() }];

  await assert.rejects(
    store.runCommand(call.callId, () => ({ state: change.state, events: twice, result: null })),
    /UNIQUE/,
  );
  assert.equal(laneRows(store, 'ep_a').length, 1);
});

test('a new event heads its lane at once when the lane has nothing pending', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const call = await startCall(store, { at: T0 });
  const [head] = await store.deliveries.claimDue(T0, {
    owner: 'node_a',
    limit: 10,
    leaseUntil: T0 + 1000,
  });
  assert.ok(head);
  await store.deliveries.recordOutcomes(
    [
      {
        owner: 'node_a',
        attempt: {
          deliveryId: head.id,
          attempt: 1,
          startedAt: T0,
          statusCode: 200,
          latencyMs: 3,
          error: null,
          responseBody: '',
        },
        next: { status: 'delivered' },
      },
    ],
    T0 + 10,
  );

  await digits(store, call.callId, '7', T0 + 20);
  assert.deepEqual(lane(store, 'ep_a', call.callId), [[2, T0 + 20]]);
  assert.equal(laneRows(store, 'ep_a').length, 2);
});
