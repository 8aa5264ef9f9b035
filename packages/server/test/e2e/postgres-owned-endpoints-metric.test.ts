import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { type TestContext, test } from 'node:test';
import type { RunningServer } from '../../src/server.ts';
import { startPgNode } from '../support/pg-node.ts';
import { freshDatabase } from '../support/postgres.ts';

// `callhook_endpoints_owned` on each of two nodes sharing PostgreSQL: the endpoint counts on
// exactly one of them, and on the other once its owner stops (a clean stop lets it go at once).
// And `callhook_postgres_statements_total`, the statements a node sends (what bench/postgres
// divides by the events delivered).

const KEY = 'owned-endpoints-key-0123456789';

function node(url: string, t: TestContext): Promise<RunningServer> {
  return startPgNode(t, KEY, { url, poolSize: 3 }, { delivery: { allowPrivateTargets: true } });
}

/** The node's /metrics, which promtool must accept as it is. */
async function exposition(server: RunningServer): Promise<string> {
  const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${KEY}` } });
  assert.equal(res.status, 200);
  return res.text();
}

async function sample(server: RunningServer, name: string): Promise<number> {
  const line = (await exposition(server)).split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(line, `${name} is exposed`);
  return Number(line.split(' ')[1]);
}

function owned(server: RunningServer): Promise<number> {
  return sample(server, 'callhook_endpoints_owned');
}

async function until(what: string, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('callhook_endpoints_owned: one node owns the endpoint, the other once the owner stops', async (t) => {
  const url = await freshDatabase(t);
  const a = await node(url, t);
  const b = await node(url, t);
  const res = await fetch(`${a.url}/v1/endpoints`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: 'http://127.0.0.1:9/hook' }),
  });
  assert.equal(res.status, 201);
  await until('an owner', async () => (await owned(a)) + (await owned(b)) === 1);
  const [owner, other] = (await owned(a)) === 1 ? [a, b] : [b, a];
  assert.equal(await owned(other), 0);
  const check = spawnSync('promtool', ['check', 'metrics'], {
    input: await exposition(owner),
    encoding: 'utf8',
  });
  assert.equal(check.error, undefined, 'promtool is installed (apt-get install prometheus)');
  assert.equal(`${check.stdout}${check.stderr}`.trim(), '', 'promtool accepts the exposition');
  assert.equal(check.status, 0);
  await owner.close();
  await until('the other node to take it', async () => (await owned(other)) === 1);
});

test('callhook_postgres_statements_total: every command adds its group commit statements', async (t) => {
  const a = await node(await freshDatabase(t), t);
  const before = await sample(a, 'callhook_postgres_statements_total');
  for (let i = 0; i < 10; i++) {
    const res = await fetch(`${a.url}/v1/calls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ threadId: `t${i}`, streamId: 's1' }),
    });
    assert.equal(res.status, 201);
  }
  const after = await sample(a, 'callhook_postgres_statements_total');
  // One command at a time: each is a group commit of its own, BEGIN, the read, the write and
  // COMMIT at least (the scrapes' own reads count too).
  assert.ok(after - before >= 40, `${after - before} statements for 10 commands`);
  assert.ok(before > 0, 'the migrations and the first scrape count');
});
