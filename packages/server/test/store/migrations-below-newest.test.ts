import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LATEST_SCHEMA_VERSION } from '../../src/store/sqlite/index.ts';
import { tempStore } from './fixtures/temp-store.ts';

// Migration numbers are reserved for work done in parallel, so a release may bring a version
// below one a database has already applied: it is applied all the same, once.

test('a migration missing below the newest applied one is applied at the next open', (t) => {
  const { store, reopen } = tempStore(t);
  // As if version 7 had come out after 8 had already been applied.
  store.db.exec('DROP TABLE api_keys; DELETE FROM schema_migrations WHERE version = 7');
  store.closeSync();
  const again = reopen();
  assert.deepEqual(again.migration, { from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION });
  const applied = again.db
    .prepare('SELECT version FROM schema_migrations ORDER BY version')
    .all()
    .map((r) => (r as { version: number }).version);
  assert.deepEqual(applied, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const table = again.db
    .prepare("SELECT COUNT(*) AS n FROM sqlite_schema WHERE name = 'api_keys'")
    .get() as { n: number };
  assert.equal(table.n, 1, 'the table of version 7 exists again');
});
