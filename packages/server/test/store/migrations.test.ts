import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import {
  LATEST_SCHEMA_VERSION,
  openSqliteStore,
  StoreError,
} from '../../src/store/sqlite/index.ts';
import { tempDir, tempStore } from './fixtures/temp-store.ts';

const ALL_MIGRATIONS = [
  { version: 1, name: 'calls-events-idempotency' },
  { version: 2, name: 'endpoints-deliveries-attempts' },
  { version: 3, name: 'previous-seq-lease-owner-missed-events' },
  { version: 4, name: 'call-deadlines' },
  { version: 5, name: 'due-heads-by-endpoint' },
  { version: 6, name: 'sip-rooms-users' },
  { version: 7, name: 'api-keys' },
  { version: 8, name: 'retention-quarantine' },
  { version: 9, name: 'deferred-outbox' },
];

function appliedMigrations(db: Database.Database) {
  return db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
}

test('a new database file and its directory are created, and every migration applied once', (t) => {
  const path = join(tempDir(t), 'nested', 'deeper', 'callhook.db');
  const store = openSqliteStore({ path });
  t.after(() => store.closeSync());

  assert.ok(existsSync(path));
  assert.deepEqual(store.migration, { from: 0, to: LATEST_SCHEMA_VERSION });
  assert.deepEqual(appliedMigrations(store.db), ALL_MIGRATIONS);
  const tables = store.db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    .all()
    .map((r) => (r as { name: string }).name);
  for (const table of [
    'calls',
    'events',
    'idempotency_keys',
    'schema_migrations',
    'endpoints',
    'deliveries',
    'delivery_attempts',
  ]) {
    assert.ok(tables.includes(table), `table ${table} exists`);
  }
});

test('reopening applies nothing again', (t) => {
  const { store, reopen } = tempStore(t);
  store.closeSync();
  const again = reopen();
  assert.deepEqual(again.migration, { from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION });
  assert.deepEqual(appliedMigrations(again.db), ALL_MIGRATIONS);
});

test('the connection is in WAL mode with foreign keys on and a busy timeout', (t) => {
  const { store } = tempStore(t);
  assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(store.db.pragma('busy_timeout', { simple: true }), 5000);
});

test('default durability is synchronous=NORMAL, strict is synchronous=FULL', (t) => {
  const normal = tempStore(t).store;
  const strict = tempStore(t, { durability: 'strict' }).store;
  assert.equal(normal.db.pragma('synchronous', { simple: true }), 1);
  assert.equal(strict.db.pragma('synchronous', { simple: true }), 2);
});

test('a database written by a newer callhook is refused with schema_too_new, untouched', (t) => {
  const { store, path } = tempStore(t);
  const newer = LATEST_SCHEMA_VERSION + 1;
  store.db
    .prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 0)")
    .run(newer);
  store.closeSync();

  assert.throws(
    () => openSqliteStore({ path }),
    (error: unknown) =>
      error instanceof StoreError &&
      error.code === 'schema_too_new' &&
      error.message.includes(`version ${newer}`),
  );
  const raw = new Database(path, { readonly: true });
  t.after(() => raw.close());
  assert.equal(
    (raw.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v,
    newer,
  );
});
