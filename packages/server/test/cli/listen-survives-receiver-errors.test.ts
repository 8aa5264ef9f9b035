import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { serverForThisFile } from './support/file-server.ts';
import { runCli, startCli } from './support/run-cli.ts';
import { startVerifyingReceiver } from './support/verifying-receiver.ts';

// A bot under development fails in every way; `listen` reports each failure on the event's
// line and goes on with the next event, once each (it does not retry).

const opts = { timeout: 60_000 };
const served = serverForThisFile('listen-errors');

async function trigger(type: string): Promise<string> {
  const run = await runCli(['trigger', type, '--json'], served.env);
  assert.equal(run.code, 0, run.stderr);
  return (JSON.parse(run.stdout) as { callId: string }).callId;
}

test(
  'a receiver answering 500 or dropping the connection is reported, and listen goes on',
  opts,
  async () => {
    // call.created → 500, call.user.invited → connection reset, call.dtmf → 200
    const receiver = await startVerifyingReceiver((_hook, index) =>
      index === 0 ? 500 : index === 1 ? 'reset' : 200,
    );
    const listen = startCli(['listen', '--forward-to', receiver.url], served.env);
    try {
      await listen.waitForOutput(/Ready!/);
      await trigger('call.dtmf');
      const hooks = await receiver.waitForHooks(3);
      assert.deepEqual(
        hooks.map((h) => h.headers['callhook-event-type']),
        ['call.created', 'call.user.invited', 'call.dtmf'],
      );
      assert.deepEqual(
        hooks.map((h) => h.headers['callhook-attempt']),
        ['1', '1', '1'],
      );
      await listen.waitForOutput(/call\.created .* seq 1 +→ 500 \(\d+ ms\)$/m);
      await listen.waitForOutput(/call\.user\.invited .* seq 2 +→ error: .+ \(\d+ ms\)$/m);
      await listen.waitForOutput(/call\.dtmf .* seq 3 +→ 200 \(\d+ ms\)$/m);
      assert.equal(listen.child.exitCode, null, 'listen is still running');
    } finally {
      listen.child.kill('SIGKILL');
      await receiver.close();
    }
  },
);

test(
  'nothing listening at --forward-to: one error line per event, then it keeps following',
  opts,
  async () => {
    const port = await closedPort();
    const listen = startCli(
      ['listen', '--forward-to', `http://127.0.0.1:${port}/hooks`],
      served.env,
    );
    try {
      await listen.waitForOutput(/Ready!/);
      await trigger('call.user.invited');
      await listen.waitForOutput(/call\.created .* seq 1 +→ error: .*ECONNREFUSED.*$/m);
      await listen.waitForOutput(/call\.user\.invited .* seq 2 +→ error: .*ECONNREFUSED.*$/m);
      // Still following: the next call's events come through too.
      const next = await trigger('call.created');
      await listen.waitForOutput(new RegExp(`call\\.created +${next} +seq 1 +→ error: `));
      listen.child.kill('SIGINT');
      assert.equal((await listen.exited).code, 0);
    } finally {
      listen.child.kill('SIGKILL');
    }
  },
);

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
