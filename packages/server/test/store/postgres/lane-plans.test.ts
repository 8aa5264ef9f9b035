import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { openPgStore, type PgStore } from '../../../src/store/postgres/pg-store.ts';
import { freshSchema } from '../../support/postgres.ts';
import { dtmf, startCall, T0 } from '../contract/call-commands.ts';
import { claim, endpoint, outcome } from '../contract/delivery-records.ts';

// A lane's lookups read the lane, not the endpoint (pg-lanes.ts). On a table without
// statistics (a new database, or autovacuum off) the planner once took an endpoint-wide index
// for them, and every command then read every pending delivery of its endpoint: with a
// backlog (an endpoint down), thousands of rows per command, the ingest ~30× slower at
// 40,000 pending. This counts the rows the store reads from deliveries while it works on top
// of a backlog of BACKLOG lanes, from the server's own statistics (which a backend reports
// when it ends, so the store is closed to read them).

const BACKLOG = 300;

test('commands and settles on top of a backlog read their lanes, not the whole endpoint', async (t) => {
  const place = await freshSchema(t);
  const admin = new pg.Client({ connectionString: place.url });
  await admin.connect();
  t.after(() => admin.end());
  let store: PgStore = await openPgStore({ ...place, poolSize: 2 });
  // No statistics for the whole test, even where autovacuum runs: the state that went wrong.
  await admin.query(`ALTER TABLE ${place.schema}.deliveries SET (autovacuum_enabled = false)`);
  await store.deliveries.createEndpoint(endpoint('ep_one'));
  const backlog: string[] = [];
  for (let i = 0; i < BACKLOG; i++) {
    const call = await startCall(store.calls, { at: T0 });
    await dtmf(store.calls, call.state.callId, '1', T0);
    backlog.push(call.state.callId);
  }

  /** Rows read from deliveries (all its indexes and sequential scans) by backends that ended. */
  const rowsRead = async (): Promise<number> => {
    await store.close();
    for (;;) {
      const { rows } = await admin.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      if (rows[0]!.n === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await admin.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await admin.query<{ n: string }>(
      `SELECT COALESCE(seq_tup_read, 0) + COALESCE(idx_tup_fetch, 0) +
         (SELECT COALESCE(SUM(i.idx_tup_read), 0) FROM pg_stat_user_indexes AS i
          WHERE i.relid = s.relid) AS n
       FROM pg_stat_user_tables AS s WHERE s.schemaname = $1 AND s.relname = 'deliveries'`,
      [place.schema],
    );
    return Number(rows[0]!.n);
  };
  const before = await rowsRead();
  store = await openPgStore({ ...place, poolSize: 2 });

  // New lanes (nothing pending in them), backlog lanes (something pending), and settles that
  // hand each lane's head on to its next delivery.
  let operations = 0;
  for (let i = 0; i < 20; i++) {
    const call = await startCall(store.calls, { at: T0 + 1 });
    await dtmf(store.calls, call.state.callId, '2', T0 + 1);
    await dtmf(store.calls, backlog[i]!, '3', T0 + 1);
    operations += 3;
  }
  const heads = await claim(store.deliveries, T0 + 2, 'node-a', { limit: 20 });
  assert.equal(heads.length, 20);
  // One at a time: a batch of ids in a table this small is rightly read by a sequential scan.
  for (const head of heads) {
    await store.deliveries.recordOutcomes([outcome(head, 'delivered', T0 + 2)], T0 + 3);
    operations++;
  }
  const read = (await rowsRead()) - before;

  const pending = BACKLOG * 3;
  assert.ok(
    read / operations < 25,
    `${read} rows of deliveries read for ${operations} operations on a backlog of ${pending} ` +
      `pending deliveries (${(read / operations).toFixed(1)} per operation; a lane holds ~3)`,
  );
});
