import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiClient } from '../support/spawn-server.ts';
import { serverForThisFile } from './support/file-server.ts';
import { startCli } from './support/run-cli.ts';

// `callhook simulate` against a real server: progress lines on stderr while it runs, and on
// Ctrl-C (SIGINT) a summary, exit 130, and none of the calls it started left active.

const opts = { timeout: 90_000 };
const served = serverForThisFile('simulate-sigint');

async function activeCalls(): Promise<string[]> {
  const api = apiClient(served.server.url, served.apiKey);
  const res = await api('GET', '/v1/calls?state=active&limit=500');
  assert.equal(res.status, 200);
  return (res.body.calls as { callId: string }[]).map((c) => c.callId);
}

test(
  'progress every second; Ctrl-C ends the calls in progress and prints the summary',
  opts,
  async () => {
    assert.deepEqual(await activeCalls(), []);
    // Slow on purpose (10 commands/s over 4 calls): most of the time calls are in progress.
    const cli = startCli(
      ['simulate', '--calls', '100000', '--concurrency', '4', '--rate', '10', '--seed', '5'],
      served.env,
    );
    const line =
      /^[\d.]+ s {2}calls (\d+) started, (\d+) ended of 100000 {2}commands (\d+) \(\d+\/s\) {2}events (\d+) \(\d+\/s\) {2}errors (\d+)$/gm;
    await cli.waitForOutput(/(^[\d.]+ s .*\n){2}/m, 15_000, 'stderr');
    const progress = [...cli.stderr().matchAll(line)];
    assert.ok(progress.length >= 2, cli.stderr());
    const last = progress.at(-1)!;
    assert.ok(Number(last[1]) >= 4, `calls started: ${last[1]}`);
    assert.ok(Number(last[3]) > 0, `commands: ${last[3]}`);
    assert.equal(last[5], '0');
    assert.ok((await activeCalls()).length > 0, 'no call in progress to interrupt');

    cli.child.kill('SIGINT');
    const { code, signal } = await cli.exited;
    assert.equal(signal, null);
    assert.equal(code, 130, cli.stderr());
    assert.match(cli.stderr(), /interrupted: ending the calls in progress/);
    assert.match(cli.stdout(), /^simulated \d+ calls against /);
    const ended = cli.stdout().match(/(\d+) ended early \(interrupted; 100000 planned\)/);
    assert.ok(ended, cli.stdout());
    assert.ok(Number(ended[1]) >= 1);
    assert.match(cli.stdout(), /errors\s+none/);
    assert.deepEqual(await activeCalls(), [], 'calls the simulation started are still active');
  },
);

test(
  '--json after Ctrl-C: stoppedBy interrupt and the count of calls ended early',
  opts,
  async () => {
    const cli = startCli(
      ['simulate', '--calls', '100000', '--concurrency', '2', '--rate', '10', '--json'],
      served.env,
    );
    await cli.waitForOutput(/^[\d.]+ s .*\n/m, 15_000, 'stderr');
    cli.child.kill('SIGINT');
    const { code } = await cli.exited;
    assert.equal(code, 130, cli.stderr());
    const summary = JSON.parse(cli.stdout()) as {
      stoppedBy: string;
      calls: { started: number; completed: number; failed: number; endedOnInterrupt: number };
    };
    assert.equal(summary.stoppedBy, 'interrupt');
    const { started, completed, failed, endedOnInterrupt } = summary.calls;
    assert.ok(started > 0);
    assert.equal(completed + failed + endedOnInterrupt, started);
    assert.deepEqual(await activeCalls(), []);
  },
);
