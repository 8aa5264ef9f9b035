import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateSecret } from '@callhook/sdk';
import { apiClient } from '../support/spawn-server.ts';
import { serverForThisFile } from './support/file-server.ts';
import { runCli, startCli } from './support/run-cli.ts';
import { startVerifyingReceiver } from './support/verifying-receiver.ts';

// `callhook listen --forward-to` end to end: a real server, a real `listen` process, a real
// receiver that checks signatures with the `standardwebhooks` package. Each event arrives as
// the service's own delivery would send it (docs/contract.md §4), in order, one line printed each.

const opts = { timeout: 60_000 };
const served = serverForThisFile('listen');

interface LoggedEvent {
  id: string;
  callId: string;
  seq: number;
  type: string;
  payload: unknown;
}

async function loggedEvents(callId: string): Promise<LoggedEvent[]> {
  const res = await apiClient(served.server.url, served.apiKey)(
    'GET',
    `/v1/events?callId=${callId}&limit=500`,
  );
  return res.body.events as LoggedEvent[];
}

async function triggerCall(type: string): Promise<string> {
  const run = await runCli(['trigger', type, '--json'], served.env);
  assert.equal(run.code, 0, run.stderr);
  return (JSON.parse(run.stdout) as { callId: string }).callId;
}

test(
  'forwards every event with the delivery headers, signed with the secret it printed',
  opts,
  async () => {
    const receiver = await startVerifyingReceiver();
    const listen = startCli(['listen', '--forward-to', receiver.url], served.env);
    try {
      const [, secret] = await listen.waitForOutput(
        /Your webhook signing secret is (whsec_\S+) \(use it in your bot/,
      );
      receiver.secret = secret;
      await listen.waitForOutput(/Ready! Forwarding all events/);

      const callId = await triggerCall('call.ended');
      const events = await loggedEvents(callId);
      assert.equal(events.length, 6); // created, invited ×2, removed ×2, ended
      const hooks = await receiver.waitForHooks(events.length);

      for (const [i, hook] of hooks.entries()) {
        const event = events[i]!;
        assert.equal(hook.signatureError, null, `event ${i + 1}: ${hook.signatureError}`);
        assert.equal(hook.headers['content-type'], 'application/json');
        assert.equal(hook.headers['webhook-id'], event.id);
        assert.match(String(hook.headers['webhook-timestamp']), /^\d+$/);
        assert.ok(
          Math.abs(Number(hook.headers['webhook-timestamp']) - Date.now() / 1000) < 60,
          'webhook-timestamp is now',
        );
        assert.match(String(hook.headers['webhook-signature']), /^v1,\S+$/);
        assert.equal(hook.headers['callhook-event-type'], event.type);
        assert.equal(hook.headers['callhook-call-id'], callId);
        assert.equal(hook.headers['callhook-seq'], String(event.seq));
        assert.equal(hook.headers['callhook-attempt'], '1');
        assert.deepEqual(JSON.parse(hook.body), event.payload);
      }
      assert.deepEqual(
        hooks.map((h) => Number(h.headers['callhook-seq'])),
        [1, 2, 3, 4, 5, 6],
      );

      // One line per event: time, type, call id, seq → status and latency.
      for (const event of events) {
        const line = new RegExp(
          `^\\S+Z +${event.type.replaceAll('.', '\\.')} +${callId} +seq ${event.seq} +→ 200 \\(\\d+ ms\\)$`,
          'm',
        );
        await listen.waitForOutput(line);
      }

      listen.child.kill('SIGINT');
      const exit = await listen.exited;
      assert.equal(exit.code, 0, listen.stderr());
      assert.equal(listen.stderr(), '');
    } finally {
      listen.child.kill('SIGKILL');
      await receiver.close();
    }
  },
);

test('--secret signs with the given secret; --types forwards only those types', opts, async () => {
  const secret = generateSecret();
  const receiver = await startVerifyingReceiver();
  receiver.secret = secret;
  const listen = startCli(
    ['listen', '--forward-to', receiver.url, '--secret', secret, '--types', 'call.dtmf,call.ended'],
    served.env,
  );
  try {
    await listen.waitForOutput(/Ready! Forwarding call\.dtmf, call\.ended from /);
    assert.doesNotMatch(listen.stdout(), /Your webhook signing secret/);

    const dtmfCall = await triggerCall('call.dtmf'); // created, invited, dtmf
    const endedCall = await triggerCall('call.ended'); // …, ended
    const hooks = await receiver.waitForHooks(2);
    assert.deepEqual(
      hooks.map((h) => [h.headers['callhook-event-type'], h.headers['callhook-call-id']]),
      [
        ['call.dtmf', dtmfCall],
        ['call.ended', endedCall],
      ],
    );
    for (const hook of hooks) assert.equal(hook.signatureError, null);
    const dtmf = (await loggedEvents(dtmfCall)).find((e) => e.type === 'call.dtmf')!;
    assert.equal(hooks[0]!.headers['webhook-id'], dtmf.id);
    assert.equal(hooks[0]!.headers['callhook-seq'], String(dtmf.seq));

    // Nothing else comes: a third call of other types only, then one more dtmf marks the end.
    await triggerCall('call.user.paused');
    const lastCall = await triggerCall('call.dtmf');
    const all = await receiver.waitForHooks(3);
    assert.equal(all[2]!.headers['callhook-call-id'], lastCall);
  } finally {
    listen.child.kill('SIGKILL');
    await receiver.close();
  }
});

test('--json prints one JSON object per event on stdout, messages on stderr', opts, async () => {
  const secret = generateSecret();
  const receiver = await startVerifyingReceiver();
  receiver.secret = secret;
  const listen = startCli(
    ['listen', '--forward-to', receiver.url, '--secret', secret, '--json'],
    served.env,
  );
  try {
    await listen.waitForOutput(/Ready!/, 15_000, 'stderr');
    const callId = await triggerCall('call.user.invited');
    await receiver.waitForHooks(2);
    await listen.waitForOutput(/^(.*\n){2}/);
    const lines = listen
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const events = await loggedEvents(callId);
    assert.deepEqual(
      lines.map(({ time: _time, latencyMs: _latency, ...rest }) => rest),
      events.map((e) => ({
        eventId: e.id,
        eventType: e.type,
        callId,
        seq: e.seq,
        ok: true,
        status: 200,
      })),
    );
  } finally {
    listen.child.kill('SIGKILL');
    await receiver.close();
  }
});
