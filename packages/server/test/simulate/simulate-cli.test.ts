import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { SimulationSummary } from '../../src/simulate/simulation-summary.ts';
import { type SpawnedServer, spawnServer } from '../support/spawn-server.ts';

// `callhook simulate` as a user runs it: the --json summary's shape, the text summary, and
// usage errors (exit 2) before any traffic.

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const KEY = 'simulate-cli-key';
const dir = mkdtempSync(join(tmpdir(), 'callhook-simulate-cli-'));
let server: SpawnedServer;

before(async () => {
  server = await spawnServer(['--data', dir], { CALLHOOK_API_KEY: KEY });
});
after(async () => {
  server.child.kill('SIGTERM');
  await server.exited;
  rmSync(dir, { recursive: true, force: true });
});

function simulate(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', CLI, 'simulate', '--server', server.url, ...args],
    { env: { ...process.env, CALLHOOK_API_KEY: KEY }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

test('--json prints the summary: rates, errors by code, latency percentiles', async () => {
  const run = await simulate(['--calls', '40', '--concurrency', '4', '--seed', '9', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const summary = JSON.parse(run.stdout) as SimulationSummary;
  assert.deepEqual(Object.keys(summary).sort(), [
    'calls',
    'commands',
    'concurrency',
    'durationMs',
    'errors',
    'eventCountMismatches',
    'events',
    'latencyMs',
    'mix',
    'rate',
    'seed',
    'server',
    'stoppedBy',
  ]);
  assert.equal(summary.seed, 9);
  assert.equal(summary.mix, 'one-to-one=50,conference=20,unanswered=10,ivr=20');
  assert.deepEqual(summary.calls, { planned: 40, started: 40, completed: 40, failed: 0 });
  assert.deepEqual(summary.errors, {});
  assert.equal(summary.eventCountMismatches, 0);
  assert.ok(summary.commands.perSecond > 0 && summary.events.perSecond > 0);
  for (const p of ['p50', 'p95', 'p99'] as const)
    assert.equal(typeof summary.latencyMs[p], 'number');
  assert.ok(
    summary.latencyMs.p50! <= summary.latencyMs.p95! &&
      summary.latencyMs.p95! <= summary.latencyMs.p99!,
  );
});

test('the same seed twice makes the same commands and events', async () => {
  const args = [
    '--calls',
    '30',
    '--concurrency',
    '3',
    '--seed',
    '77',
    '--mix',
    'conference=1,ivr=1',
    '--json',
  ];
  const [a, b] = [await simulate(args), await simulate(args)];
  const [sa, sb] = [JSON.parse(a.stdout), JSON.parse(b.stdout)] as SimulationSummary[];
  assert.equal(sa!.commands.ok, sb!.commands.ok);
  assert.equal(sa!.events.count, sb!.events.count);
});

test('the text summary, with a rate', async () => {
  const run = await simulate(['--calls', '10', '--seed', '3', '--event-rate', '2000']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^simulated 10 calls against .* \(seed 3, .*rate 2000 events\/s\)/);
  assert.match(run.stdout, /commands\s+\d+ ok, 0 failed — [\d.]+ commands\/s/);
  assert.match(run.stdout, /latency\s+p50 [\d.]+ ms\s+p95 [\d.]+ ms\s+p99 [\d.]+ ms/);
  assert.match(run.stdout, /errors\s+none/);
});

test('usage errors exit 2 and name the option', async () => {
  for (const [args, pattern] of [
    [['--mix', 'video=3'], /--mix entries are kind=weight/],
    [['--calls', '0'], /--calls must be a whole number/],
    [['--rate', '10', '--event-rate', '10'], /not both/],
    [['--seed', '-1'], /--seed must be/],
    [['--time-limit', 'soon'], /--time-limit must be a duration/],
  ] as const) {
    const run = await simulate([...args]);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, pattern);
  }
});

test('a wrong API key fails before any traffic, with the server’s reason', async () => {
  const run = await simulate(['--api-key', 'nope', '--calls', '5']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /401 unauthorized/);
});
