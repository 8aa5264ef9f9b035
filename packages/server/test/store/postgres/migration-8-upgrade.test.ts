import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { PG_MIGRATIONS } from '../../../src/store/postgres/pg-migrations.ts';
import { openPgStore } from '../../../src/store/postgres/pg-store.ts';
import { freshSchema } from '../../support/postgres.ts';
import { dtmf, startCall, T0 } from '../contract/call-commands.ts';
import { claim, endpoint, outcome } from '../contract/delivery-records.ts';

// A database that stopped at schema 7 (two-call group commits, as released) is brought to 8 by
// a node that starts on it: the write function replaced (lane reads through the lane index),
// the event-position index rebuilt as BRIN, and the calls and deliveries written under 7 still
// delivered in order afterwards.

test('a schema-7 database with calls in flight upgrades to 8 and delivers them in order', async (t) => {
  const place = await freshSchema(t);
  const admin = new pg.Client({ connectionString: place.url });
  await admin.connect();
  t.after(() => admin.end());
  await admin.query(`CREATE SCHEMA ${place.schema}`);
  await admin.query(`SET search_path TO ${place.schema}`);
  await admin.query(`CREATE TABLE schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`);
  for (const m of PG_MIGRATIONS.filter((x) => x.version <= 7)) {
    await admin.query(m.sql);
    await admin.query('INSERT INTO schema_migrations VALUES ($1, $2, 0)', [m.version, m.name]);
  }
  const functionBody = async () =>
    (
      await admin.query<{ src: string }>(
        `SELECT p.prosrc AS src FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
         WHERE n.nspname = $1 AND p.proname = 'callhook_batch_write'`,
        [place.schema],
      )
    ).rows[0]!.src;
  assert.match(await functionBody(), /EXISTS \(SELECT 1 FROM deliveries/, 'schema 7 as released');

  // Rows written by schema 7's function: the same write, before the upgrade. The store migrates
  // when it opens, so schema 7's function is put back after it, and the version row with it.
  const schema7 = PG_MIGRATIONS.find((m) => m.version === 7)!.sql;
  const oldWrite = schema7.slice(schema7.indexOf('CREATE FUNCTION callhook_batch_write'));
  let store = await openPgStore({ ...place, poolSize: 2 });
  await admin.query(oldWrite.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'));
  await admin.query('DELETE FROM schema_migrations WHERE version = 8');
  await admin.query('DROP INDEX deliveries_by_event_position');
  await admin.query('CREATE INDEX deliveries_by_event_position ON deliveries (event_position)');
  await store.deliveries.createEndpoint(endpoint('ep_one'));
  const call = await startCall(store.calls, { at: T0 });
  await dtmf(store.calls, call.state.callId, '12', T0);
  await store.close();

  store = await openPgStore({ ...place, poolSize: 2 });
  t.after(() => store.close());
  assert.deepEqual(store.migration, { from: 7, to: 8 });
  assert.match(await functionBody(), /bool_or\(d\.status = 'pending'\)/);
  const { rows } = await admin.query<{ def: string }>(
    `SELECT indexdef AS def FROM pg_indexes
     WHERE schemaname = $1 AND indexname = 'deliveries_by_event_position'`,
    [place.schema],
  );
  assert.match(rows[0]!.def, /USING brin/);

  // One more event after the upgrade; then the lane is sent in seq order, one head at a time.
  await dtmf(store.calls, call.state.callId, '3', T0 + 1);
  const sent: number[] = [];
  for (let now = T0 + 2; sent.length < 4; now++) {
    const heads = await claim(store.deliveries, now);
    assert.equal(heads.length, 1, `one head at a time (sent so far: ${sent.join(',')})`);
    sent.push(heads[0]!.seq);
    await store.deliveries.recordOutcomes([outcome(heads[0]!, 'delivered', now)], now);
  }
  assert.deepEqual(sent, [1, 2, 3, 4]);
  assert.deepEqual(await claim(store.deliveries, T0 + 100), []);
});
