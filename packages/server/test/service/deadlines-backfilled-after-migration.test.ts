import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { ManualClock } from '../../src/clock.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src/store/sqlite/migrations.ts';
import { createCall, endCall } from '../store/fixtures/fabricated-calls.ts';
import { CONFIG, endedInLog, sharedFile, startNode } from './support/deadline-nodes.ts';

// A database of schema 3 kept deadlines nowhere: migration 4 adds the column empty, and the
// first service to start computes and writes the deadline of every active call.

const T0 = Date.UTC(2026, 0, 1);

function schema3Database(path: string) {
  const db = new Database(path);
  db.exec(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT',
  );
  for (const m of MIGRATIONS.filter((m) => m.version <= 3)) {
    db.exec(m.sql);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(m.version, m.name);
  }
  const insert = db.prepare(
    `INSERT INTO calls (call_id, thread_id, stream_id, status, created_at, ended_at, state_json)
     VALUES (@callId, @threadId, @streamId, @status, @createdAt, @endedAt, @stateJson)`,
  );
  const active = createCall({ at: T0 }).state;
  const ended = endCall(createCall({ at: T0 }).state, T0 + 1).state;
  for (const s of [active, ended]) insert.run({ ...s, stateJson: JSON.stringify(s) });
  db.close();
  return { active, ended };
}

test('after migration 4, start writes the deadline of each active call, and it is honoured', async (t) => {
  const path = sharedFile(t);
  const { active, ended } = schema3Database(path);
  const migrated = openSqliteStore({ path, checkpoint: 'inline' });
  assert.deepEqual(migrated.migration, { from: 3, to: LATEST_SCHEMA_VERSION });
  assert.equal(await migrated.nextDeadlineAt(), null, 'the migration knows no deadline');
  assert.equal((await migrated.listCallsWithoutDeadline(10)).length, 1);

  const clock = new ManualClock(T0 + 10_000);
  const node = await startNode(t, { path, clock, owner: 'node-a', store: migrated });
  t.after(() => migrated.close());
  const deadline = T0 + CONFIG.idleTimeoutMs;
  assert.equal(await migrated.nextDeadlineAt(), deadline);
  assert.deepEqual(await migrated.listCallsWithoutDeadline(10), []);
  assert.deepEqual(await migrated.getCall(active.callId), active, 'the state is unchanged');
  assert.deepEqual(await migrated.getCall(ended.callId), ended);

  clock.advance(deadline - clock.now());
  await node.service.expireDue();
  assert.deepEqual(node.ended, [active.callId]);
  assert.deepEqual(await endedInLog(migrated), [active.callId]);
});
