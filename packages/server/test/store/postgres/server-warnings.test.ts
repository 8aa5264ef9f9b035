import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { openPgStore } from '../../../src/store/postgres/pg-store.ts';
import { freshSchema } from '../../support/postgres.ts';

// `callhook serve` prints the store's warnings under its banner. The one warning today is
// autovacuum off (a server setting, so this checks the store against whatever this server has;
// the CI machine's PostgreSQL runs with it off).

test("the store warns when the server's autovacuum is off, and only then", async (t) => {
  const place = await freshSchema(t);
  const admin = new pg.Client({ connectionString: place.url });
  await admin.connect();
  const { rows } = await admin.query<{ autovacuum: string }>('SHOW autovacuum');
  await admin.end();
  const store = await openPgStore(place);
  t.after(() => store.close());
  if (rows[0]!.autovacuum === 'off') {
    assert.equal(store.warnings.length, 1);
    assert.match(store.warnings[0]!, /autovacuum off/);
  } else {
    assert.deepEqual(store.warnings, []);
  }
});
