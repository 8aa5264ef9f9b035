import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiClient } from '../support/spawn-server.ts';
import { serverForThisFile } from './support/file-server.ts';
import { runCli } from './support/run-cli.ts';
import { startVerifyingReceiver, type VerifyingReceiver } from './support/verifying-receiver.ts';

// The operator's commands against a real `callhook serve` that really delivers: subscribe a
// loopback receiver, watch a delivery fail, retry it, replay, rotate the secret, re-enable,
// delete — each command's output and the server's state checked.

const opts = { timeout: 90_000 };
// One retry, ten minutes on: a failed first attempt stays failed for the test's lifetime.
const served = serverForThisFile('endpoints', [
  '--allow-private-targets',
  '--retry-schedule',
  '0,10m',
]);
let receiver: VerifyingReceiver;
/** While true, the receiver answers 503 to call.created. */
let failCreated = true;

before(async () => {
  receiver = await startVerifyingReceiver((hook) =>
    failCreated && hook.headers['callhook-event-type'] === 'call.created' ? 503 : 200,
  );
});
after(async () => {
  await receiver.close();
});

async function cli(...args: string[]) {
  const run = await runCli(args, served.env);
  assert.equal(run.code, 0, `callhook ${args.join(' ')}\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

test('endpoints add prints the endpoint and its secret once; list shows it', opts, async () => {
  const out = await cli(
    'endpoints',
    'add',
    'http://127.0.0.1:9/a',
    '--types',
    'call.ended,call.created',
    '--stream',
    'stream-1',
    '--thread',
    'thread-1',
    '--description',
    'billing bot',
  );
  const id = out.match(/^Created endpoint (ep_\w+)$/m)?.[1];
  assert.ok(id, out);
  assert.match(out, /^ {2}events: call\.created, call\.ended$/m);
  assert.match(out, /^ {2}filter: stream=stream-1 thread=thread-1$/m);
  assert.match(out, /^Signing secret: whsec_[A-Za-z0-9+/=]+$/m);
  assert.match(out, /Store it now: it is not shown again/);

  const list = await cli('endpoints', 'list');
  const row = list.split('\n').find((line) => line.startsWith(id));
  assert.ok(row, list);
  assert.match(
    row,
    /http:\/\/127\.0\.0\.1:9\/a +enabled +call\.created,call\.ended +stream=stream-1 thread=thread-1 +billing bot$/,
  );
  assert.doesNotMatch(list, /whsec_/);

  assert.match(await cli('endpoints', 'rm', id), new RegExp(`Deleted endpoint ${id}`));
  const again = await runCli(['endpoints', 'rm', id], served.env);
  assert.equal(again.code, 1);
  assert.match(again.stderr, new RegExp(`^callhook: 404 not_found — .*${id}`));
});

test(
  'a failing delivery shows in deliveries list; deliveries retry sends it again',
  opts,
  async () => {
    const endpoint = JSON.parse(
      await cli('endpoints', 'add', receiver.url, '--types', 'call.created,call.ended', '--json'),
    ) as { id: string; secret: string; eventTypes: string[] };
    assert.deepEqual(endpoint.eventTypes, ['call.created', 'call.ended']);
    receiver.secret = endpoint.secret;

    const { callId } = JSON.parse(await cli('trigger', 'call.ended', '--json')) as {
      callId: string;
    };
    // The first attempt gets 503; the schedule's next one is ten minutes away.
    await receiver.waitForHooks(1);
    const listed = await cli('deliveries', 'list', endpoint.id);
    const created = listed.split('\n').find((l) => / call\.created /.test(l));
    assert.match(
      created ?? '',
      new RegExp(`^dlv_\\w+ +call\\.created +${callId} +1 +pending +1 +503$`),
      listed,
    );
    assert.match(listed, new RegExp(`call\\.ended +${callId} +6 +pending +0 +-`));

    failCreated = false;
    const deliveryId = created!.split(' ')[0]!;
    const retried = await cli('deliveries', 'retry', deliveryId);
    assert.match(
      retried,
      new RegExp(
        `Delivery ${deliveryId} \\(call\\.created, call ${callId}, seq 1\\) is pending again`,
      ),
    );

    const hooks = await receiver.waitForHooks(3);
    assert.deepEqual(
      hooks.map((h) => [h.headers['callhook-event-type'], h.headers['callhook-attempt']]),
      [
        ['call.created', '1'],
        ['call.created', '2'],
        ['call.ended', '1'],
      ],
    );
    for (const hook of hooks) assert.equal(hook.signatureError, null);

    const delivered = JSON.parse(
      await cli('deliveries', 'list', endpoint.id, '--status', 'delivered', '--json'),
    ) as { id: string; status: string; attempts: { statusCode: number }[] }[];
    assert.deepEqual(
      delivered.map((d) => d.status),
      ['delivered', 'delivered'],
    );

    // replay: the same events again, as new deliveries with the same webhook-id.
    const replay = await cli('replay', endpoint.id, '--since', '10m');
    assert.match(
      replay,
      new RegExp(`^Queued 2 deliveries to ${endpoint.id}: the events from .* to now`),
    );
    const replayed = (await receiver.waitForHooks(5)).slice(3);
    assert.deepEqual(
      replayed.map((h) => h.headers['webhook-id']),
      [hooks[0]!.headers['webhook-id'], hooks[2]!.headers['webhook-id']],
    );

    // rotate-secret: deliveries are signed with the new secret, and the old one too for 24 h.
    const rotated = await cli('endpoints', 'rotate-secret', endpoint.id);
    const newSecret = rotated.match(/^New signing secret of ep_\w+: (whsec_\S+)$/m)?.[1];
    assert.ok(newSecret, rotated);
    assert.match(rotated, /The previous secret keeps signing too until \d{4}-\d\d-\d\dT/);
    receiver.secret = newSecret;
    await cli('trigger', 'call.created');
    const [signedTwice] = (await receiver.waitForHooks(6)).slice(5);
    assert.equal(signedTwice!.signatureError, null);
    assert.equal(String(signedTwice!.headers['webhook-signature']).split(' ').length, 2);

    // enable: an endpoint disabled through the API comes back.
    const api = apiClient(served.server.url, served.apiKey);
    const patched = await api('PATCH', `/v1/endpoints/${endpoint.id}`, { enabled: false });
    assert.equal(patched.status, 200);
    assert.match(
      (await cli('endpoints', 'list')).split('\n').find((l) => l.startsWith(endpoint.id)) ?? '',
      / disabled \(manual\) /,
    );
    const enabled = await cli('endpoints', 'enable', endpoint.id);
    assert.match(
      enabled,
      new RegExp(`^Enabled endpoint ${endpoint.id}\\n(.*\\n)*  status: enabled$`, 'm'),
    );
    assert.equal((await api('GET', `/v1/endpoints/${endpoint.id}`)).body.enabled, true);
  },
);

test('API errors print status, code and message, and exit 1', opts, async () => {
  const wrongKey = await runCli(['endpoints', 'list'], {
    ...served.env,
    CALLHOOK_API_KEY: 'wrong-key',
  });
  assert.equal(wrongKey.code, 1);
  assert.equal(wrongKey.stderr, 'callhook: 401 unauthorized — the API key is not valid\n');

  const retry = await runCli(['deliveries', 'retry', 'dlv_0000'], served.env);
  assert.equal(retry.code, 1);
  assert.match(retry.stderr, /^callhook: 404 not_found — .*dlv_0000/);

  const badUrl = await runCli(['endpoints', 'add', 'not a url'], served.env);
  assert.equal(badUrl.code, 1);
  assert.match(badUrl.stderr, /^callhook: 400 validation_error — /);
});
