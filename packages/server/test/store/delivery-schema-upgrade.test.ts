import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src/store/sqlite/migrations.ts';
import { endpoint, T0 } from './fixtures/delivery-fixture.ts';
import { createCall } from './fixtures/fabricated-calls.ts';
import { tempDir } from './fixtures/temp-store.ts';

test('a database of schema 1 with events opens at the latest schema, and its events can be replayed', async (t) => {
  const path = join(tempDir(t), 'callhook.db');
  // What a callhook of schema 1 left behind: the calls and events tables with one call.
  const old = new Database(path);
  const v1 = MIGRATIONS.find((m) => m.version === 1)!;
  old.exec(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT',
  );
  old.exec(v1.sql);
  old.prepare('INSERT INTO schema_migrations VALUES (1, ?, 0)').run(v1.name);
  const { state, events } = createCall({ at: T0 });
  const event = events[0]!;
  old
    .prepare(
      `INSERT INTO calls (call_id, thread_id, stream_id, status, created_at, ended_at, state_json)
       VALUES (?, ?, ?, 'active', ?, NULL, ?)`,
    )
    .run(state.callId, state.threadId, state.streamId, T0, JSON.stringify(state));
  old
    .prepare(
      'INSERT INTO events (id, call_id, seq, type, occurred_at, payload_json) VALUES (?, ?, 1, ?, ?, ?)',
    )
    .run(event.id, state.callId, event.type, T0, JSON.stringify(event.payload));
  old.close();

  const store = openSqliteStore({ path });
  t.after(() => store.closeSync());
  assert.deepEqual(store.migration, { from: 1, to: LATEST_SCHEMA_VERSION });
  assert.deepEqual(await store.getCall(state.callId), state);

  await store.deliveries.createEndpoint(endpoint('ep_a', { createdAt: T0 + 10 }));
  assert.equal(await store.deliveries.replay('ep_a', T0, T0 + 10, T0 + 10), 1);
  const [due] = await store.deliveries.claimDue(T0 + 10, {
    owner: 'node_a',
    limit: 10,
    leaseUntil: T0 + 20,
  });
  assert.deepEqual([due?.eventId, due?.body], [event.id, JSON.stringify(event.payload)]);
});
