import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiClient } from '../support/spawn-server.ts';
import { serverForThisFile } from './support/file-server.ts';
import { runCli } from './support/run-cli.ts';
import { startVerifyingReceiver, type VerifyingReceiver } from './support/verifying-receiver.ts';

// `callhook events resend <eventId> --endpoint <id>` against a real `callhook serve` that
// really delivers: the receiver gets the event a second time, same webhook-id and body, and
// the command's errors (unknown event, endpoint not subscribed) are one line and exit 1.

const opts = { timeout: 90_000 };
const served = serverForThisFile('events-resend', ['--allow-private-targets']);
let receiver: VerifyingReceiver;

before(async () => {
  receiver = await startVerifyingReceiver();
});
after(() => receiver.close());

test('resend delivers a delivered event once more, with the same webhook-id', opts, async () => {
  const api = apiClient(served.server.url, served.apiKey);
  const endpoint = await api('POST', '/v1/endpoints', {
    url: receiver.url,
    eventTypes: ['call.created'],
  });
  assert.equal(endpoint.status, 201);
  receiver.secret = String(endpoint.body.secret);
  const endpointId = String(endpoint.body.id);
  const call = await api('POST', '/v1/calls', { threadId: 'thread-1', streamId: 'stream-1' });
  const [first] = await receiver.waitForHooks(1);
  const eventId = String(first!.headers['webhook-id']);

  const run = await runCli(['events', 'resend', eventId, '--endpoint', endpointId], served.env);
  assert.equal(run.code, 0, run.stderr);
  const queued = run.stdout.match(
    /^Queued delivery (dlv_\w+) of event (\S+) \(call\.created, call (\S+) seq 1\) to (ep_\w+)\.$/m,
  );
  assert.ok(queued, run.stdout);
  assert.deepEqual(queued.slice(2), [eventId, String(call.body.callId), endpointId]);

  const [, again] = await receiver.waitForHooks(2);
  assert.equal(again!.headers['webhook-id'], eventId);
  assert.equal(again!.body, first!.body);
  assert.equal(again!.signatureError, null);
  assert.equal(again!.headers['callhook-previous-seq'], '0');

  const json = await runCli(
    ['events', 'resend', eventId, '--endpoint', endpointId, '--json'],
    served.env,
  );
  assert.equal(json.code, 0, json.stderr);
  const delivery = JSON.parse(json.stdout) as { id: string; eventId: string; status: string };
  assert.deepEqual([delivery.eventId, delivery.status], [eventId, 'pending']);
  assert.notEqual(delivery.id, queued[1]);
  await receiver.waitForHooks(3);
});

test('an unknown event, an endpoint not subscribed, a missing --endpoint', opts, async () => {
  const api = apiClient(served.server.url, served.apiKey);
  const endpoint = await api('POST', '/v1/endpoints', {
    url: receiver.url,
    eventTypes: ['call.dtmf'],
  });
  const endpointId = String(endpoint.body.id);
  const missing = await runCli(
    ['events', 'resend', '0190a1b2-c3d4-4e5f-8a6b-7c8d9e0f1a2b', '--endpoint', endpointId],
    served.env,
  );
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^callhook: 404 not_found — event 0190a1b2-\S+ does not exist$/m);

  const events = await api('GET', '/v1/events?type=call.created&limit=1');
  const eventId = String((events.body.events as { id: string }[])[0]!.id);
  const unsubscribed = await runCli(
    ['events', 'resend', eventId, '--endpoint', endpointId],
    served.env,
  );
  assert.equal(unsubscribed.code, 1);
  assert.match(unsubscribed.stderr, /409 conflict — endpoint ep_\w+ does not subscribe to event/);

  const usage = await runCli(['events', 'resend', eventId], served.env);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /required option '--endpoint <id>' not specified/);
});
