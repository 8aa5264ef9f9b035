import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import Database from 'better-sqlite3';
import { hashApiKey } from '../../src/auth/api-key.ts';
import { DEFAULT_ENGINE_CONFIG } from '../../src/engine/call-state.ts';
import { type RunningServer, startServer } from '../../src/server.ts';

// A corrupt row does not take the service down: a call whose stored state is not JSON, and an
// event whose payload is not JSON, are named in a clear error, set aside (quarantined), and
// reported by /readyz; the server starts, every other call and event works. A database that
// fails SQLite's integrity check at open is reported too.

const KEY = 'quarantine-test-key-0123456789abcdef';

function dataDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-quarantine-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function start(dir: string): Promise<RunningServer> {
  return startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir: dir,
    durability: 'default',
    engine: DEFAULT_ENGINE_CONFIG,
    apiKeyHash: hashApiKey(KEY),
    console: false,
    logger: false,
  });
}

/** The parts of the answers this test reads. */
interface Reply {
  callId: string;
  calls: { callId: string }[];
  events: { id: string }[];
  nextCursor: string;
  error: { code: string; message: string };
}

async function call(server: RunningServer, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${KEY}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Reply };
}

async function eventIdsOnePerPage(server: RunningServer): Promise<string[]> {
  const ids: string[] = [];
  for (let after = '0'; ; ) {
    const page = await call(server, 'GET', `/v1/events?after=${after}&limit=1`);
    assert.equal(page.status, 200, JSON.stringify(page.body));
    if (page.body.events.length === 0) return ids;
    ids.push(...page.body.events.map((e) => e.id));
    after = page.body.nextCursor;
  }
}

test('a call and an event that are not JSON: the server starts, they are named and quarantined, the rest works, /readyz reports them', async (t) => {
  const dir = dataDir(t);
  const first = await start(dir);
  const ids: string[] = [];
  for (const threadId of ['thread-a', 'thread-b', 'thread-c']) {
    const created = await call(first, 'POST', '/v1/calls', { threadId, streamId: 'stream-1' });
    assert.equal(created.status, 201);
    ids.push(created.body.callId);
  }
  const [a, b, c] = ids as [string, string, string];
  assert.equal(
    (await call(first, 'POST', `/v1/calls/${b}/participants`, { userId: 'u1' })).status,
    200,
  );
  const before = await eventIdsOnePerPage(first);
  await first.close();

  const db = new Database(join(dir, 'callhook.db'));
  db.prepare(`UPDATE calls SET state_json = '{"callId": oops' WHERE call_id = ?`).run(a);
  const bad = db.prepare(`SELECT id FROM events WHERE call_id = ? AND seq = 1`).get(b) as {
    id: string;
  };
  db.prepare(`UPDATE events SET payload_json = '{truncated' WHERE id = ?`).run(bad.id);
  db.close();

  const second = await start(dir);
  t.after(() => second.close());
  assert.equal((await fetch(`${second.url}/readyz`)).status, 200);

  // The corrupt event is left out of every page, and the pages go on past it.
  assert.deepEqual(
    await eventIdsOnePerPage(second),
    before.filter((id) => id !== bad.id),
  );

  // The corrupt call is named; other calls work, for reads and commands alike.
  const read = await call(second, 'GET', `/v1/calls/${a}`);
  assert.equal(read.status, 500);
  assert.equal(read.body.error.code, 'corrupt_row');
  assert.match(read.body.error.message, new RegExp(`call ${a} cannot be read.*quarantined`));
  const command = await call(second, 'POST', `/v1/calls/${a}/participants`, { userId: 'u2' });
  assert.equal(command.status, 500);
  assert.equal(command.body.error.code, 'corrupt_row');
  assert.equal((await call(second, 'GET', `/v1/calls/${c}`)).status, 200);
  assert.equal(
    (await call(second, 'POST', `/v1/calls/${c}/participants`, { userId: 'u3' })).status,
    200,
  );
  const listed = await call(second, 'GET', '/v1/calls?limit=10');
  assert.equal(listed.status, 200);
  assert.deepEqual(listed.body.calls.map((x) => x.callId).sort(), [b, c].sort());

  const ready = await fetch(`${second.url}/readyz`);
  assert.equal(ready.status, 200, 'the service works: ready, degraded');
  assert.deepEqual(await ready.json(), {
    status: 'degraded',
    quarantinedRows: 2, // the call and the event
    integrityProblems: [],
  });
});

test('a database that fails integrity_check at open is reported by /readyz, and the service still starts', async (t) => {
  const dir = dataDir(t);
  const first = await start(dir);
  for (let i = 0; i < 3; i++) {
    const created = await call(first, 'POST', '/v1/calls', { threadId: `t-${i}`, streamId: 's' });
    assert.equal(created.status, 201);
  }
  await first.close();

  // One byte of one key in an index page changed: the page is well formed, but its entry no
  // longer matches the row (what integrity_check reports as "row … missing from index").
  const path = join(dir, 'callhook.db');
  const db = new Database(path);
  const { rootpage } = db
    .prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'calls_by_thread'")
    .get() as { rootpage: number };
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close(); // the last connection: the WAL is checkpointed into the file and removed
  const file = readFileSync(path);
  const page = file.subarray((rootpage - 1) * pageSize, rootpage * pageSize);
  const at = page.indexOf('t-1');
  assert.ok(at > 0, 'the index page holds the key');
  page.write('t-9', at);
  writeFileSync(path, file);

  const second = await start(dir);
  t.after(() => second.close());
  const ready = await fetch(`${second.url}/readyz`);
  assert.equal(ready.status, 200);
  const body = (await ready.json()) as { status: string; integrityProblems: string[] };
  assert.equal(body.status, 'degraded');
  assert.ok(body.integrityProblems.length > 0);
  assert.match(body.integrityProblems.join('\n'), /calls_by_thread/);
  assert.equal((await call(second, 'GET', '/v1/calls?limit=10')).status, 200);
});
