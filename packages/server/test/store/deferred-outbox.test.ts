import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { outboxDeliveryId, outboxDeliveryTime } from '../../src/store/delivery-rows.ts';
import { SqliteDeliveryBacklog } from '../../src/store/sqlite/delivery-backlog.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.ts';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.ts';
import { WINDOW_CAPACITY } from '../../src/store/sqlite/unwritten-deliveries.ts';
import { uuidV7Time } from '../../src/uuid-v7.ts';
import {
  claim,
  digits,
  endpoint,
  lane,
  outcome,
  startCall,
  T0,
} from './fixtures/delivery-fixture.ts';
import { tempDir, tempStore } from './fixtures/temp-store.ts';

// The deferred outbox of the SQLite adapter (store/sqlite/unwritten-deliveries.ts), seen in its
// tables: a command writes events only; a first-attempt success writes one delivered row and
// its attempt; anything else writes the lane out as rows. The contract suite holds the same
// behaviour through the port; these look at what is (and is not) written.

function rows(store: SqliteStore) {
  return store.db
    .prepare(
      `SELECT seq, status, attempt_count AS attempts, next_attempt_at AS nextAttemptAt
       FROM deliveries ORDER BY call_id, seq`,
    )
    .all() as { seq: number; status: string; attempts: number; nextAttemptAt: number | null }[];
}

/** The endpoint's outbox position as written (written at once first: turns write it lazily). */
function outboxPosition(store: SqliteStore, id = 'ep_a'): number {
  store.db.transaction(() => store.deliveries.writeOutboxPositions())();
  return store.db
    .prepare('SELECT outbox_position FROM endpoints WHERE id = ?')
    .pluck()
    .get(id) as number;
}

function attempts(store: SqliteStore): number {
  return store.db.prepare('SELECT COUNT(*) FROM delivery_attempts').pluck().get() as number;
}

test('a command writes no delivery row; a first-attempt success writes one, delivered, with its attempt', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const call = await startCall(store);
  await digits(store, call.callId, '1', T0 + 1);
  assert.deepEqual(rows(store), []);

  const [first] = await claim(store, T0 + 2);
  assert.equal(first?.seq, 1);
  assert.deepEqual(rows(store), [], 'a claim writes nothing either');

  await store.deliveries.recordOutcomes([outcome(first!, 'delivered', T0 + 3)], T0 + 3);
  assert.deepEqual(rows(store), [
    { seq: 1, status: 'delivered', attempts: 1, nextAttemptAt: null },
  ]);
  assert.equal(attempts(store), 1);
  // Seq 2 (position 2) is not written yet: the outbox position stands just below it.
  assert.equal(outboxPosition(store), 1);

  const [second] = await claim(store, T0 + 3);
  assert.deepEqual([second?.seq, second?.previousSeq, second?.nextAttemptAt], [2, 1, T0 + 3]);
  await store.deliveries.recordOutcomes([outcome(second!, 'delivered', T0 + 4)], T0 + 4);
  assert.deepEqual(
    rows(store).map((r) => [r.seq, r.status]),
    [
      [1, 'delivered'],
      [2, 'delivered'],
    ],
  );
  assert.equal(outboxPosition(store), 2);
});

test('a restart reads the window again: what was written is not sent again, what was in flight is, same ids', async (t) => {
  const { store, reopen } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const a = await startCall(store, { at: T0 });
  const b = await startCall(store, { at: T0 + 1 });
  const claimed = await claim(store, T0 + 2);
  assert.deepEqual(
    claimed.map((d) => d.callId),
    [a.callId, b.callId],
  );
  // b's delivery succeeds first: it is written although a's, below it, is not.
  const ofB = claimed[1]!;
  await store.deliveries.recordOutcomes([outcome(ofB, 'delivered', T0 + 3)], T0 + 3);
  assert.equal(outboxPosition(store), 0);
  store.closeSync();

  const again = reopen();
  const retaken = await claim(again, T0 + 10);
  assert.deepEqual(
    retaken.map((d) => [d.callId, d.id]),
    [[a.callId, claimed[0]!.id]],
  );
  await again.deliveries.recordOutcomes([outcome(retaken[0]!, 'delivered', T0 + 11)], T0 + 11);
  assert.equal(outboxPosition(again), 2);
  assert.deepEqual(
    rows(again).map((r) => r.status),
    ['delivered', 'delivered'],
  );
  assert.deepEqual(await claim(again, T0 + 20), []);
});

test('an attempt that fails writes its lane out: it waits for its retry, the later events behind it', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const call = await startCall(store, { at: T0 });
  await digits(store, call.callId, '12', T0 + 1);
  const [head] = await claim(store, T0 + 2);
  await store.deliveries.recordOutcomes(
    [outcome(head!, { status: 'pending', nextAttemptAt: T0 + 5_000 }, T0 + 3)],
    T0 + 3,
  );
  assert.deepEqual(rows(store), [
    { seq: 1, status: 'pending', attempts: 1, nextAttemptAt: T0 + 5_000 },
    { seq: 2, status: 'pending', attempts: 0, nextAttemptAt: null },
    { seq: 3, status: 'pending', attempts: 0, nextAttemptAt: null },
  ]);
  // An event after it goes behind the rows, as a row, when the log is read next.
  await digits(store, call.callId, '3', T0 + 4);
  assert.deepEqual(await claim(store, T0 + 5), []);
  assert.deepEqual(lane(store, 'ep_a', call.callId), [
    [1, T0 + 5_000],
    [2, null],
    [3, null],
    [4, null],
  ]);
  const [retry] = await claim(store, T0 + 5_000);
  assert.deepEqual([retry?.id, retry?.seq, retry?.attemptCount], [head!.id, 1, 1]);
});

test('retention stops at the first event an enabled endpoint has not had written', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const call = await startCall(store, { at: T0 });
  await digits(store, call.callId, '12', T0 + 1);
  const cut = await store.retention.removeBefore(T0 + 1_000, 100);
  assert.equal(cut.events, 0, 'nothing is removed that a delivery still needs');

  for (let now = T0 + 10; ; now += 1) {
    const due = await claim(store, now);
    if (due.length === 0) break;
    await store.deliveries.recordOutcomes(
      due.map((d) => outcome(d, 'delivered', now)),
      now,
    );
  }
  assert.equal((await store.retention.removeBefore(T0 + 1_000, 100)).events, 3);
});

test('a window full of one call whose head is in flight writes it out, so the next call is not held back', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const busy = await startCall(store, { at: T0 });
  await digits(store, busy.callId, '7'.repeat(WINDOW_CAPACITY), T0 + 1);
  const next = await startCall(store, { at: T0 + 2 });

  const [head] = await claim(store, T0 + 3);
  assert.deepEqual([head?.callId, head?.seq], [busy.callId, 1]);
  // The window is full (the head in flight, the rest behind it), and nothing in it is due.
  const [other] = await claim(store, T0 + 4);
  assert.equal(other?.callId, next.callId);
  // The busy call went to rows: its head still leased (not claimable), the rest waiting.
  const written = rows(store).filter((r) => r.status === 'pending');
  assert.equal(written.length, WINDOW_CAPACITY + 1);
  assert.equal(written.filter((r) => r.nextAttemptAt !== null).length, 1);
  await store.deliveries.recordOutcomes([outcome(head!, 'delivered', T0 + 5)], T0 + 5);
  const [seq2] = await claim(store, T0 + 6);
  assert.deepEqual([seq2?.callId, seq2?.seq, seq2?.previousSeq], [busy.callId, 2, 1]);
});

test('migration 9 starts every endpoint at the log end: nothing delivered before is sent again', async (t) => {
  // A schema-8 file with an endpoint, an event and its delivered row, made by hand.
  const path = join(tempDir(t), 'callhook.db');
  const file = new Database(path);
  file.exec(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT',
  );
  for (const m of MIGRATIONS.filter((m) => m.version <= 8)) {
    file.exec(m.sql);
    file.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(m.version, m.name);
  }
  const CALL = 'aaaaaa00-0000-4000-8000-000000000000';
  file
    .prepare(
      `INSERT INTO calls (call_id, thread_id, stream_id, status, created_at, ended_at, state_json)
       VALUES (?, 't', 's', 'active', ?, NULL, '{}')`,
    )
    .run(CALL, T0);
  file
    .prepare(
      `INSERT INTO events (id, call_id, seq, type, occurred_at, payload_json)
       VALUES ('ev-1', ?, 1, 'call.dtmf', ?, '{}')`,
    )
    .run(CALL, T0);
  file
    .prepare(
      `INSERT INTO endpoints (id, url, description, event_types, filter_stream_id, filter_thread_id,
         enabled, disabled_reason, secrets_json, failing_since, created_at, updated_at)
       VALUES ('ep_a', 'https://hooks.example.com/', NULL, NULL, NULL, NULL, 1, NULL, '[]', NULL, ?, ?)`,
    )
    .run(T0, T0);
  file
    .prepare(
      `INSERT INTO deliveries (id, endpoint_id, event_id, event_position, call_id, seq, event_type,
         status, attempt_count, next_attempt_at, leased_until, created_at, updated_at)
       VALUES ('d1', 'ep_a', 'ev-1', 1, ?, 1, 'call.dtmf', 'delivered', 1, NULL, NULL, ?, ?)`,
    )
    .run(CALL, T0, T0);
  file.close();

  const store = openSqliteStore({ path });
  t.after(() => store.closeSync());
  assert.equal(outboxPosition(store), 1);
  assert.deepEqual(await claim(store, T0 + 10), []);
  assert.deepEqual(
    rows(store).map((r) => [r.seq, r.status]),
    [[1, 'delivered']],
  );
});

test('an outbox delivery id is the same for the same endpoint and event, and a UUIDv7 of its time', () => {
  const id = outboxDeliveryId(T0, 'ep_a', '019b76da-a800-7000-8000-000000000001');
  assert.match(id, /^dlv_[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
  assert.equal(id, outboxDeliveryId(T0, 'ep_a', '019b76da-a800-7000-8000-000000000001'));
  assert.notEqual(id, outboxDeliveryId(T0, 'ep_b', '019b76da-a800-7000-8000-000000000001'));
  assert.notEqual(id, outboxDeliveryId(T0, 'ep_a', '019b76da-a800-7000-8000-000000000002'));
  const uuid = id.slice(4);
  const dashed = `${uuid.slice(0, 8)}-${uuid.slice(8, 12)}-${uuid.slice(12, 16)}-${uuid.slice(16, 20)}-${uuid.slice(20)}`;
  assert.equal(uuidV7Time(dashed), T0);
  assert.equal(outboxDeliveryTime(id), T0);
  assert.equal(outboxDeliveryTime('dlv_nothex'), null);
  assert.equal(outboxDeliveryTime(`${id}0`), null);
});

test('a lookup by id finds a delivery not written yet, and a lookup of an unknown id writes nothing out', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  await store.deliveries.createEndpoint(endpoint('ep_b'));
  const call = await startCall(store);
  await digits(store, call.callId, '1', T0 + 1);
  const events = store.db
    .prepare('SELECT id, occurred_at AS at FROM events ORDER BY position')
    .all() as { id: string; at: number }[];
  assert.equal(events.length, 2);

  // Unknown ids, one of them at the very millisecond of an event: nothing is written.
  for (const id of [
    'dlv_nope',
    outboxDeliveryId(events[1]!.at, 'ep_c', events[1]!.id),
    outboxDeliveryId(events[1]!.at + 1, 'ep_a', events[1]!.id),
  ]) {
    assert.equal(await store.deliveries.getDelivery(id), undefined, id);
  }
  assert.deepEqual(rows(store), [], 'an unknown id writes no window out');

  // No window made yet (as after a restart): the event's delivery is found by its id, read into
  // its endpoint's window, and nothing is written.
  const id = outboxDeliveryId(events[1]!.at, 'ep_b', events[1]!.id);
  const found = await store.deliveries.getDelivery(id);
  assert.deepEqual(
    [found?.id, found?.endpointId, found?.seq, found?.status, found?.attempts],
    [id, 'ep_b', 2, 'pending', []],
  );
  assert.deepEqual(rows(store), []);

  // A delivery read into the window is found too (ep_a's, claimed).
  const head = (await claim(store, T0 + 2)).find((d) => d.endpointId === 'ep_a');
  assert.equal(head?.seq, 1);
  assert.equal((await store.deliveries.getDelivery(head!.id))?.status, 'pending');
});

test('the backlog counts the deliveries not written yet, and writes none of them', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  await store.deliveries.createEndpoint(endpoint('ep_ended', { eventTypes: ['call.ended'] }));
  const call = await startCall(store, { at: T0 });
  await digits(store, call.callId, '12', T0 + 1);
  const backlog = new SqliteDeliveryBacklog(store.db, () => store.deliveries.unwrittenBacklog());
  assert.deepEqual((await backlog.deliveryBacklog()).endpoints, [
    { endpointId: 'ep_a', pending: 3, oldestPendingAt: T0 },
  ]);
  assert.deepEqual(rows(store), []);

  const [head] = await claim(store, T0 + 2);
  await store.deliveries.recordOutcomes([outcome(head!, 'delivered', T0 + 3)], T0 + 3);
  assert.deepEqual((await backlog.deliveryBacklog()).endpoints, [
    { endpointId: 'ep_a', pending: 2, oldestPendingAt: T0 + 1 },
  ]);
  // A failed attempt writes its lane out: the same count, now rows.
  const [next] = await claim(store, T0 + 4);
  await store.deliveries.recordOutcomes(
    [outcome(next!, { status: 'pending', nextAttemptAt: T0 + 60_000 }, T0 + 5)],
    T0 + 5,
  );
  assert.deepEqual((await backlog.deliveryBacklog()).endpoints, [
    { endpointId: 'ep_a', pending: 2, oldestPendingAt: T0 + 1 },
  ]);
  assert.equal(rows(store).filter((r) => r.status === 'pending').length, 2);
});

test('a refused retry or resend leaves the window alone: what is in flight is not claimed again', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a', { eventTypes: ['call.created'] }));
  const done = await startCall(store, { at: T0 });
  const [first] = await claim(store, T0 + 1);
  await store.deliveries.recordOutcomes([outcome(first!, 'delivered', T0 + 2)], T0 + 2);
  await digits(store, done.callId, '5', T0 + 3);
  await startCall(store, { at: T0 + 4 });
  const inFlight = await claim(store, T0 + 5);
  assert.equal(inFlight.length, 1);

  await assert.rejects(store.deliveries.retryDelivery(first!.id, T0 + 6), { code: 'conflict' });
  const [dtmf] = (await store.readEvents({ limit: 10 })).filter((e) => e.type === 'call.dtmf');
  await assert.rejects(store.deliveries.resendEvent('ep_a', dtmf!.id, T0 + 7), {
    code: 'conflict',
  });
  assert.deepEqual(await claim(store, T0 + 8), []);
  await store.deliveries.recordOutcomes([outcome(inFlight[0]!, 'delivered', T0 + 9)], T0 + 9);
  assert.deepEqual(
    rows(store).map((r) => r.status),
    ['delivered', 'delivered'],
  );
});

test('a listing shows the deliveries not written yet as the rows they will be, and writes none', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  // Three calls at the same millisecond and later ones: pages cut inside a millisecond too.
  const calls = [];
  for (let i = 0; i < 3; i++) calls.push(await startCall(store, { at: T0 }));
  for (const call of calls) await digits(store, call.callId, '12', T0 + 1);
  // One head delivered (a row), one failed (its lane written out), one in flight (leased).
  const heads = await claim(store, T0 + 2);
  assert.equal(heads.length, 3);
  await store.deliveries.recordOutcomes(
    [
      outcome(heads[0]!, 'delivered', T0 + 3),
      outcome(heads[1]!, { status: 'pending', nextAttemptAt: T0 + 5_000 }, T0 + 3),
    ],
    T0 + 3,
  );
  await digits(store, calls[0]!.callId, '3', T0 + 4); // read by no claim yet
  const rowsBefore = rows(store).length;

  const walk = async (status?: 'pending' | 'delivered') => {
    const seen = [];
    let cursor: string | undefined;
    do {
      const page = await store.deliveries.listDeliveries('ep_a', {
        limit: 2,
        ...(status && { status }),
        ...(cursor && { cursor }),
      });
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return seen;
  };
  const listed = await walk();
  const pending = await walk('pending');
  const delivered = await walk('delivered');
  assert.equal(rows(store).length, rowsBefore, 'the listings wrote nothing');
  assert.equal(listed.length, 10); // 3 calls × (created + 2 digits), and one more digit
  assert.equal(delivered.length, 1);
  assert.equal(pending.length, 9);

  // Written out, the rows list the same, field for field, in the same order.
  store.deliveries.writeUnwritten();
  assert.ok(rows(store).length > rowsBefore);
  assert.deepEqual(await walk(), listed);
  assert.deepEqual(await walk('pending'), pending);
  for (const d of listed) assert.deepEqual(await store.deliveries.getDelivery(d.id), d);
});
