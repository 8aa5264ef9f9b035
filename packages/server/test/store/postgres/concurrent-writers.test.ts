import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import pg from 'pg';
import type { StoredEvent } from '../../../src/store/port.ts';
import { openPgStore, type PgStore } from '../../../src/store/postgres/pg-store.ts';
import { freshSchema } from '../../support/postgres.ts';
import { command, startCall, T0 } from '../contract/call-commands.ts';
import { claim, endpoint } from '../contract/delivery-records.ts';

// What only a database with several writers can get wrong: two stores (two nodes' pools) on
// one PostgreSQL database, writing at once. Commands on one call never interleave (no seq
// gap, no seq twice), and a reader following the log by cursor never skips an event that
// committed late — PostgreSQL's sequences do not commit in the order they are taken.

async function twoNodes(
  t: Parameters<typeof freshSchema>[0],
  place?: { url: string; schema: string },
): Promise<[PgStore, PgStore]> {
  place ??= await freshSchema(t);
  const a = await openPgStore({ ...place, poolSize: 6 });
  const b = await openPgStore({ ...place, poolSize: 6 });
  t.after(async () => {
    await a.close();
    await b.close();
  });
  return [a, b];
}

test('two nodes racing commands on one call: seqs 1..n, no gap, none twice', async (t) => {
  const [a, b] = await twoNodes(t);
  const { state } = await startCall(a.calls);
  const callId = state.callId;
  const n = 60;
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      command(i % 2 === 0 ? a.calls : b.calls, callId, {
        type: 'dtmf',
        digits: '1',
      }),
    ),
  );
  const events = await a.calls.readEvents({ callId, limit: 1000 });
  assert.deepEqual(
    events.map((e) => e.seq),
    Array.from({ length: n + 1 }, (_, i) => i + 1),
  );
  const call = await b.calls.getCall(callId);
  assert.equal(call?.lastSeq, n + 1);
});

test('a reader following the log never skips an event that commits late, with 2 nodes × 4 writers', async (t) => {
  const [a, b] = await twoNodes(t);
  const seen: StoredEvent[] = [];
  let writing = true;
  const follow = (async () => {
    let after = 0;
    for (;;) {
      // Whether the writers had finished is read before the page is asked for: a page asked
      // for while the last command was still committing may rightly come back without it.
      const finished = !writing;
      const page = await a.calls.readEvents({ after, limit: 500 });
      seen.push(...page);
      if (page.length > 0) after = page[page.length - 1]!.position;
      else if (finished) break;
    }
  })();
  const calls = 40;
  await Promise.all(
    Array.from({ length: 8 }, async (_, w) => {
      const store = w % 2 === 0 ? a : b;
      for (let i = w; i < calls; i += 8) {
        const { state } = await startCall(store.calls, { callId: randomUUID() });
        for (let k = 0; k < 4; k++) {
          await command(store.calls, state.callId, { type: 'dtmf', digits: '2' });
        }
      }
    }),
  );
  writing = false;
  await follow;
  const all = await b.calls.readEvents({ limit: 10_000 });
  assert.equal(all.length, calls * 5);
  assert.deepEqual(
    seen.map((e) => e.id),
    all.map((e) => e.id),
    'the follower saw every event, in log order, none skipped',
  );
});

test('an event whose transaction commits late is not skipped by a reader that saw later ones', async (t) => {
  const place = await freshSchema(t);
  const [a, b] = await twoNodes(t, place);
  // Another node's slow transaction: it takes its position under the append lock, as the
  // adapter does, and commits 300 ms later.
  const slow = new pg.Client({
    connectionString: place.url,
    options: `-c search_path=${place.schema}`,
  });
  await slow.connect();
  t.after(() => slow.end());
  const { state } = await startCall(a.calls);
  await slow.query('BEGIN');
  await slow.query("SELECT pg_advisory_xact_lock(hashtextextended('append', 0))");
  await slow.query(
    `INSERT INTO events (id, call_id, seq, type, occurred_at, stream_id, thread_id, payload_json)
     VALUES ($1, $2, 1000, 'call.dtmf', 0, 's', 't', '{}')`,
    [randomUUID(), state.callId],
  );
  const late = (async () => {
    await new Promise((r) => setTimeout(r, 300));
    await slow.query('COMMIT');
  })();
  // Meanwhile this node appends and a reader follows the log.
  const writes = (async () => {
    for (let i = 0; i < 5; i++) await startCall(b.calls);
  })();
  const seen: string[] = [];
  let after = 0;
  const until = Date.now() + 3000;
  while (Date.now() < until && seen.length < 7) {
    const page = await a.calls.readEvents({ after, limit: 100 });
    for (const e of page) seen.push(e.id);
    if (page.length > 0) after = page[page.length - 1]!.position;
  }
  await Promise.all([late, writes]);
  const all = await a.calls.readEvents({ limit: 100 });
  assert.equal(all.length, 7);
  assert.deepEqual(
    seen,
    all.map((e) => e.id),
    'the follower saw the late event too',
  );
});

test('a node claims deliveries of an endpoint another node made after its own last claim', async (t) => {
  const [a, b] = await twoNodes(t);
  // A's claim reads the endpoints it asks for (none yet) and keeps them between turns.
  assert.deepEqual(await claim(a.deliveries, T0), []);
  const heard = new Promise<void>((resolve) => {
    const stop = a.changes.subscribe((notice) => {
      if (notice.endpoints && notice.fromAnotherNode) {
        stop();
        resolve();
      }
    });
  });
  await b.deliveries.createEndpoint(endpoint('ep_made_on_b'));
  await startCall(b.calls, { at: T0 });
  await heard;
  // B never claims (it could have died): A takes the delivery, once it heard of the endpoint.
  const due = await claim(a.deliveries, T0 + 1);
  assert.deepEqual(
    due.map((d) => [d.endpointId, d.seq]),
    [['ep_made_on_b', 1]],
  );
});
