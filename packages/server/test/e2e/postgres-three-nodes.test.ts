import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { NODE_ID_FILE } from '../../src/data-dir-files.ts';
import { freshDatabase } from '../support/postgres.ts';
import { RecordingReceiver } from '../support/recording-receiver.ts';
import { apiClient, type SpawnedServer, spawnServer } from '../support/spawn-server.ts';

// Three `callhook serve` processes on one PostgreSQL database, commands spread over them, the
// one that sends the endpoint's deliveries (its owner) SIGKILLed mid-load: another node takes
// the endpoint over and every acknowledged event is delivered, each call's events in seq order
// (a repeat only of what was in flight, with its webhook-id); the dead node restarted takes
// part again. An idle call whose node died still ends at its deadline, and SSE on one node
// carries events made on another.

const KEY = 'three-nodes-key-0123456789';
const dirs: string[] = [];
const receiver = new RecordingReceiver(2);
after(async () => {
  await receiver.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function node(url: string, dir: string): Promise<SpawnedServer> {
  return spawnServer(
    [
      '--data',
      dir,
      '--database-url',
      url,
      '--pool-size',
      '4',
      '--allow-private-targets',
      '--retry-schedule',
      '0,100ms,200ms,400ms,800ms',
      '--attempt-timeout',
      '2s',
      '--idle-timeout',
      '3s',
    ],
    { CALLHOOK_API_KEY: KEY },
  );
}

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-pgnode-'));
  dirs.push(dir);
  return dir;
}

test("three nodes, the endpoint's owner SIGKILLed mid-load: another takes over, every acknowledged event delivered, in seq order per call", async (t) => {
  const db = await freshDatabase(t);
  const hookUrl = await receiver.listen();
  const dirs = [dataDir(), dataDir(), dataDir()];
  const nodes = await Promise.all(dirs.map((dir) => node(db, dir)));
  t.after(() => {
    for (const n of nodes) n.child.kill('SIGKILL');
  });
  // Made on node A, matched by every node's commands at once.
  const endpoint = await apiClient(nodes[0]!.url, KEY)('POST', '/v1/endpoints', { url: hookUrl });
  assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));
  receiver.setSecret(endpoint.body.secret as string);
  // The node that owns the endpoint (pg-endpoint-owners.ts) is the one to kill.
  const victim = await ownerOf(db, endpoint.body.id as string, dirs);

  const CALLS = 40;
  const acknowledged = new Map<string, number>(); // callId → last acknowledged seq
  let killed = false;
  let request = 0;
  /**
   * One command, sent to the next node round-robin with an Idempotency-Key; if that node dies
   * before it answers, the same command with the same key goes to the next: it takes effect once.
   */
  const send = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const key = randomUUID();
    for (let tries = 0; tries < 6; tries++) {
      const i = request++ % 3;
      if (killed && i === victim) continue;
      try {
        const res = await fetch(`${nodes[i]!.url}${path}`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${KEY}`,
            'content-type': 'application/json',
            'idempotency-key': key,
          },
          body: JSON.stringify(body),
        });
        const json = (await res.json()) as Record<string, unknown>;
        assert.ok(res.status < 300, `${path}: ${res.status} ${JSON.stringify(json)}`);
        return json;
      } catch (error) {
        if (error instanceof assert.AssertionError) throw error;
        // the node died under the request: send it again elsewhere
      }
    }
    throw new Error(`${path}: no node answered`);
  };
  await Promise.all(
    Array.from({ length: 4 }, async (_, w) => {
      for (let i = w; i < CALLS; i += 4) {
        if (i >= CALLS / 2 && !killed) {
          killed = true;
          nodes[victim]!.child.kill('SIGKILL');
        }
        const c = await send('/v1/calls', { threadId: `t${i}`, streamId: 's' });
        const callId = c.callId as string;
        acknowledged.set(callId, 1);
        for (const userId of ['a', 'b']) {
          const r = await send(`/v1/calls/${callId}/participants`, { userId });
          acknowledged.set(callId, r.lastSeq as number);
        }
        const d = await send(`/v1/calls/${callId}/dtmf`, { digits: '1' });
        acknowledged.set(callId, d.lastSeq as number);
      }
    }),
  );
  await nodes[victim]!.exited;
  const delivered = (total: number, what: string) =>
    receiver.until(
      () => new Set(receiver.arrivals.map((a) => `${a.callId}:${a.seq}`)).size >= total,
      60_000,
      `all ${total} acknowledged events (${what})`,
    );
  const total = [...acknowledged.values()].reduce((a, b) => a + b, 0);
  assert.equal(total, CALLS * 4);
  // With the owner dead: the others take the endpoint over once its ownership lease lapses.
  await delivered(total, 'the owner dead');
  assert.notEqual(await ownerOf(db, endpoint.body.id as string, dirs), victim);
  // The same node again (it frees its own delivery leases at once) takes commands again.
  nodes[victim] = await node(db, dirs[victim]!);
  killed = false;
  for (const callId of [...acknowledged.keys()].slice(0, 6)) {
    const r = await send(`/v1/calls/${callId}/dtmf`, { digits: '2' });
    acknowledged.set(callId, r.lastSeq as number);
  }
  await delivered(total + 6, 'after the restart');
  for (const [callId, last] of acknowledged) {
    const seqs = receiver.arrivals.filter((a) => a.callId === callId).map((a) => a.seq);
    assert.deepEqual(
      [...new Set(seqs)],
      Array.from({ length: last }, (_, i) => i + 1),
      `call ${callId}: every seq`,
    );
    for (let i = 1; i < seqs.length; i++) {
      assert.ok(seqs[i]! >= seqs[i - 1]!, `call ${callId} out of order: ${seqs.join(',')}`);
    }
  }
  // A repeat is the same delivery again: one webhook-id per (call, seq).
  const idOf = new Map<string, string>();
  for (const a of receiver.arrivals) {
    const k = `${a.callId}:${a.seq}`;
    assert.equal(idOf.get(k) ?? a.webhookId, a.webhookId, `${k} arrived under two webhook-ids`);
    idOf.set(k, a.webhookId);
  }
  assert.equal(receiver.rejected.length, 0, receiver.rejected.join('\n'));
});

/** Which of the nodes (by data directory) owns the endpoint, once one does. */
async function ownerOf(url: string, endpointId: string, dirs: readonly string[]): Promise<number> {
  const ids = dirs.map((dir) => readFileSync(`${dir}/${NODE_ID_FILE}`, 'utf8').trim());
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const { rows } = await client.query<{ node_id: string }>(
        'SELECT node_id FROM endpoint_owners WHERE endpoint_id = $1',
        [endpointId],
      );
      const at = rows[0] ? ids.indexOf(rows[0].node_id) : -1;
      if (at >= 0) return at;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no node took endpoint ${endpointId} within 20 s`);
  } finally {
    await client.end();
  }
}

test('an idle call whose node died ends at its deadline, through another node', async (t) => {
  const db = await freshDatabase(t);
  const a = await node(db, dataDir());
  const b = await node(db, dataDir());
  t.after(() => {
    a.child.kill('SIGKILL');
    b.child.kill('SIGKILL');
  });
  const created = await apiClient(b.url, KEY)('POST', '/v1/calls', {
    threadId: 'idle',
    streamId: 's',
  });
  assert.equal(created.status, 201);
  const callId = created.body.callId as string;
  b.child.kill('SIGKILL'); // its node is gone before the 3 s idle deadline
  await b.exited;
  const apiA = apiClient(a.url, KEY);
  const deadline = Date.now() + 20_000;
  let status = '';
  while (Date.now() < deadline) {
    status = (await apiA('GET', `/v1/calls/${callId}`)).body.status as string;
    if (status === 'ended') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(status, 'ended', 'node A ended the call node B had made');
});

test('SSE on node C carries events made through node A, and resumes without a gap after C restarts', async (t) => {
  const db = await freshDatabase(t);
  const a = await node(db, dataDir());
  const dirC = dataDir();
  let c = await node(db, dirC);
  t.after(() => {
    a.child.kill('SIGKILL');
    c.child.kill('SIGKILL');
  });
  const apiA = apiClient(a.url, KEY);
  const make = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const r = await apiA('POST', '/v1/calls', { threadId: `sse${i}`, streamId: 's' });
      assert.equal(r.status, 201);
    }
  };
  const read = async (base: string, want: number, lastEventId?: string) => {
    const ids: string[] = [];
    const res = await fetch(`${base}/v1/events/stream`, {
      headers: {
        authorization: `Bearer ${KEY}`,
        ...(lastEventId !== undefined && { 'last-event-id': lastEventId }),
      },
    });
    assert.equal(res.status, 200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    const timeout = setTimeout(() => void reader.cancel(), 15_000);
    while (ids.length < want) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      for (const m of buffer.matchAll(/^id: (\d+)$/gm)) if (!ids.includes(m[1]!)) ids.push(m[1]!);
    }
    clearTimeout(timeout);
    await reader.cancel().catch(() => {});
    return ids;
  };
  const first = read(c.url, 5, '0');
  await make(5);
  const seen = await first;
  assert.equal(seen.length, 5, 'node C streamed the 5 events made through node A');
  c.child.kill('SIGTERM');
  await c.exited;
  await make(5); // made while C is down
  c = await node(db, dirC);
  const resumed = await read(c.url, 5, seen[seen.length - 1]);
  const log = await read(a.url, 10, '0'); // the whole log, from node A
  assert.deepEqual(
    [...seen, ...resumed],
    log,
    'the stream before and after the restart is the log, without a gap',
  );
});
