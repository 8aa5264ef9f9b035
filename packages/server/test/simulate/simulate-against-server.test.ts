import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { callScript } from '../../src/simulate/call-script.ts';
import type { CommandAck } from '../../src/simulate/traffic-driver.ts';
import { runTraffic } from '../../src/simulate/traffic-driver.ts';
import { DEFAULT_MIX } from '../../src/simulate/traffic-mix.ts';
import { apiClient, type SpawnedServer, spawnServer } from '../support/spawn-server.ts';

// The simulator's traffic against a real `callhook serve`: no command rejected, every
// command emitting exactly the events the contract says, and the event log agreeing.

const KEY = 'simulate-test-key';
const dir = mkdtempSync(join(tmpdir(), 'callhook-simulate-'));
let server: SpawnedServer;

before(async () => {
  server = await spawnServer(['--data', dir], { CALLHOOK_API_KEY: KEY });
});
after(async () => {
  server.child.kill('SIGTERM');
  await server.exited;
  rmSync(dir, { recursive: true, force: true });
});

test('200 seeded calls: zero errors, and the event count the scripts predict', async () => {
  const acks: CommandAck[] = [];
  const result = await runTraffic({
    server: new URL(server.url),
    apiKey: KEY,
    calls: 200,
    concurrency: 8,
    seed: 2024,
    mix: DEFAULT_MIX,
    timeLimitMs: 60_000,
    onAck: (ack) => acks.push(ack),
  });
  const expected = Array.from({ length: 200 }, (_, i) => callScript(2024, i, DEFAULT_MIX));
  const expectedCommands = expected.reduce((n, s) => n + s.steps.length, 0);
  const expectedEvents = expected.reduce((n, s) => n + s.events, 0);

  assert.deepEqual(result.errors, {});
  assert.deepEqual(result.calls, { planned: 200, started: 200, completed: 200, failed: 0 });
  assert.deepEqual(result.commands, { ok: expectedCommands, failed: 0 });
  assert.equal(result.events, expectedEvents);
  assert.equal(result.eventCountMismatches, 0);
  assert.equal(result.latency.count, expectedCommands);
  assert.equal(acks.length, expectedCommands);

  // The acks cover each call's seqs 1..n exactly once, in order.
  const seqs = new Map<string, number[]>();
  for (const ack of acks) {
    const list = seqs.get(ack.callId) ?? [];
    for (let s = ack.firstSeq; s <= ack.lastSeq; s++) list.push(s);
    seqs.set(ack.callId, list);
  }
  assert.equal(seqs.size, 200);
  for (const list of seqs.values())
    assert.deepEqual(
      list,
      list.map((_, i) => i + 1),
    );

  // The server's own log holds the same number of events, and no call is left active.
  const api = apiClient(server.url, KEY);
  let logged = 0;
  for (let cursor: string | undefined; ; ) {
    const page = await api('GET', `/v1/events?limit=500${cursor ? `&after=${cursor}` : ''}`);
    const events = page.body.events as unknown[];
    logged += events.length;
    if (events.length < 500) break;
    cursor = page.body.nextCursor as string;
  }
  assert.equal(logged, expectedEvents);
  const active = await api('GET', '/v1/calls?state=active&limit=10');
  assert.deepEqual(active.body.calls, []);
});

test('the time limit stops new calls from starting', async () => {
  const result = await runTraffic({
    server: new URL(server.url),
    apiKey: KEY,
    calls: 1_000_000,
    concurrency: 2,
    seed: 1,
    mix: DEFAULT_MIX,
    timeLimitMs: 300,
  });
  assert.equal(result.stoppedBy, 'time');
  assert.ok(result.calls.started < 1_000_000);
  assert.equal(result.calls.started, result.calls.completed + result.calls.failed);
  assert.deepEqual(result.errors, {});
});

test('rejected commands are counted by error code, and end that call’s script', async () => {
  const result = await runTraffic({
    server: new URL(server.url),
    apiKey: 'wrong-key',
    calls: 5,
    concurrency: 2,
    seed: 1,
    mix: DEFAULT_MIX,
    timeLimitMs: 10_000,
  });
  assert.deepEqual(result.errors, { unauthorized: 5 });
  assert.deepEqual(result.calls, { planned: 5, started: 5, completed: 0, failed: 5 });
  assert.deepEqual(result.commands, { ok: 0, failed: 5 });
});

test('an unreachable server is a network error code, not a crash', async () => {
  const result = await runTraffic({
    server: new URL('http://127.0.0.1:9'),
    apiKey: KEY,
    calls: 3,
    concurrency: 1,
    seed: 1,
    mix: DEFAULT_MIX,
    timeLimitMs: 10_000,
  });
  assert.deepEqual(result.errors, { ECONNREFUSED: 3 });
  assert.equal(result.calls.failed, 3);
});
