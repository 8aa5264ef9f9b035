import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnServer } from '../support/spawn-server.ts';
import { runCli, startCli } from './support/run-cli.ts';
import { startVerifyingReceiver } from './support/verifying-receiver.ts';

// The server goes away under a running `listen` and comes back on the same address and data:
// listen reconnects by itself (with backoff) and resumes with Last-Event-ID — every event
// once, none twice.

const API_KEY = 'cli-listen-restart-key-0123456789';

test('listen resumes after a server restart without losing or repeating events', {
  timeout: 90_000,
}, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'callhook-cli-listen-restart-'));
  const serverEnv = { CALLHOOK_API_KEY: API_KEY };
  let server = await spawnServer(['--data', dataDir], serverEnv);
  const port = new URL(server.url).port;
  const env = { CALLHOOK_SERVER: server.url, CALLHOOK_API_KEY: API_KEY };
  const receiver = await startVerifyingReceiver();
  const listen = startCli(['listen', '--forward-to', receiver.url], env);
  const trigger = async (type: string) => {
    const run = await runCli(['trigger', type, '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    return (JSON.parse(run.stdout) as { callId: string }).callId;
  };
  try {
    receiver.secret = (await listen.waitForOutput(/secret is (whsec_\S+)/))[1];
    await listen.waitForOutput(/Ready!/);
    const first = await trigger('call.user.invited'); // 2 events
    await receiver.waitForHooks(2);

    server.child.kill('SIGTERM');
    await server.exited;
    server = await spawnServer(['--data', dataDir, '--port', port], serverEnv);
    const second = await trigger('call.dtmf'); // 3 events
    await listen.waitForOutput(/Reconnected to the event stream/, 30_000);
    const hooks = await receiver.waitForHooks(5, 30_000);

    assert.deepEqual(
      hooks.map((h) => [h.headers['callhook-call-id'], h.headers['callhook-seq']]),
      [
        [first, '1'],
        [first, '2'],
        [second, '1'],
        [second, '2'],
        [second, '3'],
      ],
    );
    for (const hook of hooks) assert.equal(hook.signatureError, null);
    assert.match(listen.stderr(), /lost the event stream .*; reconnecting in [\d.]+ s/);
    const third = await trigger('call.created');
    const [last] = (await receiver.waitForHooks(6)).slice(5);
    assert.equal(last!.headers['callhook-call-id'], third);
    assert.equal(receiver.hooks.length, 6);
  } finally {
    listen.child.kill('SIGKILL');
    server.child.kill('SIGKILL');
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
