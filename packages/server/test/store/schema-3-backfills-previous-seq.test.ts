import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src/store/sqlite/migrations.ts';
import { T0 } from './fixtures/delivery-fixture.ts';
import { tempDir } from './fixtures/temp-store.ts';

// Migration 3 on a database of schema 2: each delivery gets its previous seq from its lane
// (the highest seq of the same endpoint and call below its own), and each disabled endpoint
// the log's end as the position it was disabled after (enabled ones none).

const CALL = 'aaaaaa00-0000-4000-8000-000000000000';

test('a schema-2 database opens with previous seqs and disable positions filled in', async (t) => {
  const path = join(tempDir(t), 'callhook.db');
  const old = new Database(path);
  old.exec(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT',
  );
  for (const m of MIGRATIONS.filter((m) => m.version <= 2)) {
    old.exec(m.sql);
    old.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(m.version, m.name);
  }
  old
    .prepare(
      `INSERT INTO calls (call_id, thread_id, stream_id, status, created_at, ended_at, state_json)
       VALUES (?, 't', 's', 'active', ?, NULL, '{}')`,
    )
    .run(CALL, T0);
  const insertEvent = old.prepare(
    `INSERT INTO events (id, call_id, seq, type, occurred_at, payload_json)
     VALUES (?, ?, ?, 'call.dtmf', ?, '{}')`,
  );
  for (let seq = 1; seq <= 5; seq += 1) insertEvent.run(`ev-${seq}`, CALL, seq, T0 + seq);
  const insertEndpoint = old.prepare(
    `INSERT INTO endpoints (id, url, description, event_types, filter_stream_id, filter_thread_id,
       enabled, disabled_reason, secrets_json, failing_since, created_at, updated_at)
     VALUES (?, 'https://hooks.example.com/', NULL, NULL, NULL, NULL, ?, ?, '[]', NULL, ?, ?)`,
  );
  insertEndpoint.run('ep_on', 1, null, T0, T0);
  insertEndpoint.run('ep_off', 0, 'gone', T0, T0);
  const insertDelivery = old.prepare(
    `INSERT INTO deliveries (id, endpoint_id, event_id, event_position, call_id, seq, event_type,
       status, attempt_count, next_attempt_at, leased_until, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 'call.dtmf', ?, 0, NULL, NULL, ?, ?)`,
  );
  // ep_on was sent 1, 2 and 4 (filtered, say), and 2 again by a replay; ep_off only 3.
  const rows = [
    ['d1', 'ep_on', 1, 'delivered'],
    ['d2', 'ep_on', 2, 'failed'],
    ['d4', 'ep_on', 4, 'pending'],
    ['d2r', 'ep_on', 2, 'pending'],
    ['d3', 'ep_off', 3, 'pending'],
  ] as const;
  for (const [id, ep, seq, status] of rows) {
    insertDelivery.run(id, ep, `ev-${seq}`, seq, CALL, seq, status, T0, T0);
  }
  old.close();

  const store = openSqliteStore({ path });
  t.after(() => store.closeSync());
  assert.deepEqual(store.migration, { from: 2, to: LATEST_SCHEMA_VERSION });
  const previous = Object.fromEntries(
    await Promise.all(
      rows.map(async ([id]) => [id, (await store.deliveries.getDelivery(id))?.previousSeq]),
    ),
  );
  assert.deepEqual(previous, { d1: 0, d2: 1, d4: 2, d2r: 1, d3: 0 });
  assert.equal((await store.deliveries.getEndpoint('ep_on'))?.disabledAfterPosition, null);
  assert.equal((await store.deliveries.getEndpoint('ep_off'))?.disabledAfterPosition, 5);
});
