import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { monotonicMs } from '../lib/monotonic-clock.ts';
import { type Receiver, spawnReceiver } from '../processes/receiver.ts';
import { type Relay, spawnRelay } from '../processes/relay.ts';

// Scenario 8's relay process: each command becomes one event-sized POST with callhook's
// delivery headers, sent to the receiver before the command is answered with the call's id
// and its last seq; the receiver in 'record' mode counts and records without verifying.

let receiver: Receiver;
let relay: Relay;
let relayUrl: string;
let receiverPort: number;

before(async () => {
  receiver = spawnReceiver();
  relay = spawnRelay();
  ({ port: receiverPort } = await receiver.call('listen', { mode: 'record' }));
  ({ url: relayUrl } = await relay.call('listen', {
    target: `http://127.0.0.1:${receiverPort}/webhooks`,
    connections: 4,
  }));
});
after(async () => {
  await relay.stop();
  await receiver.stop();
});

async function command(method: 'POST' | 'DELETE', path: string, body?: unknown) {
  const res = await request(`${relayUrl}${path}`, {
    method,
    headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

test('each command is answered after its one event has arrived, seqs counting per call', async () => {
  await receiver.call('reset', undefined);
  const created = await command('POST', '/v1/calls', { threadId: 't', streamId: 's' });
  assert.equal(created.status, 201);
  const callId = created.body.callId as string;
  assert.match(callId, /^[0-9a-f-]{36}$/);
  assert.equal(created.body.lastSeq, 1);
  assert.equal((await receiver.call('stats', undefined)).received, 1, 'delivered before the 2xx');

  const invited = await command('POST', `/v1/calls/${callId}/participants`, { userId: 'u' });
  assert.deepEqual(invited, { status: 200, body: { callId, lastSeq: 2 } });
  const removed = await command('DELETE', `/v1/calls/${callId}/participants/u`);
  assert.deepEqual(removed.body, { callId, lastSeq: 3 });
  const other = await command('POST', '/v1/calls', { threadId: 't', streamId: 's' });
  assert.equal(other.body.lastSeq, 1);

  const arrivals = await receiver.call('arrivals', undefined);
  assert.deepEqual(arrivals.callIds, [callId, callId, callId, other.body.callId]);
  assert.deepEqual(arrivals.seqs, [1, 2, 3, 1]);
  assert.ok(arrivals.atMs.every((at) => at <= monotonicMs()));
  const stats = await receiver.call('stats', undefined);
  assert.equal(stats.duplicates, 0, 'every event has its own webhook-id');
  assert.equal(stats.invalid, 0);
});

test('a command for a call the relay never created is answered 404', async () => {
  const res = await command('POST', '/v1/calls/nope/end');
  assert.equal(res.status, 404);
});

test('record mode: bodies that are not JSON are counted and answered 400', async () => {
  const res = await request(`http://127.0.0.1:${receiverPort}/webhooks`, {
    method: 'POST',
    headers: { 'webhook-id': 'x', 'callhook-seq': '1' },
    body: 'not json',
  });
  await res.body.dump();
  assert.equal(res.statusCode, 400);
  assert.equal((await receiver.call('stats', undefined)).invalid, 1);
});

test('when the receiver is down, the command fails loudly (502), not silently', async () => {
  const created = await command('POST', '/v1/calls', { threadId: 't', streamId: 's' });
  await receiver.call('close', undefined);
  const failed = await command('POST', `/v1/calls/${created.body.callId}/end`);
  assert.equal(failed.status, 502);
  assert.equal((failed.body.error as { code: string }).code, 'relay_failed');
  const stats = await relay.call('stats', undefined);
  assert.equal(stats.failed, 1);
});
