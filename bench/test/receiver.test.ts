import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EVENT_EXAMPLES, generateSecret, Webhook } from '@callhook/sdk';
import { request } from 'undici';
import { monotonicMs } from '../lib/monotonic-clock.ts';
import { type Receiver, spawnReceiver } from '../processes/receiver.ts';

// The bench's receiver process: it verifies every signature with the SDK, counts each event
// once (webhook-id), rejects forgeries, records arrivals on the shared monotonic clock, and
// can go down and come back on the same port.

const secret = generateSecret();
const webhook = new Webhook(secret);
const body = JSON.stringify(EVENT_EXAMPLES['call.created']);
let receiver: Receiver;
let port: number;

before(async () => {
  receiver = spawnReceiver();
  ({ port } = await receiver.call('listen', { mode: 'verify' }));
});
after(() => receiver.stop());

function post(id: string, signature?: string) {
  const now = new Date();
  return request(`http://127.0.0.1:${port}/hook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature ?? webhook.sign(id, now, body),
      'callhook-seq': '1',
    },
    body,
  }).then(async (res) => {
    await res.body.dump();
    return res.statusCode;
  });
}

test('verify mode: 503 until the secret is known, then 204 per event, duplicates and forgeries counted', async () => {
  assert.equal(await post('msg_0'), 503);
  await receiver.call('useSecret', { secret });
  await receiver.call('reset', undefined);
  const before = monotonicMs();
  assert.equal(await post('msg_1'), 204);
  assert.equal(await post('msg_1'), 204);
  assert.equal(await post('msg_2', `v1,${Buffer.alloc(32).toString('base64')}`), 400);
  const stats = await receiver.call('stats', undefined);
  assert.equal(stats.received, 1);
  assert.equal(stats.duplicates, 1);
  assert.equal(stats.invalid, 1);
  const arrivals = await receiver.call('arrivals', undefined);
  assert.deepEqual(arrivals.callIds, [EVENT_EXAMPLES['call.created'].callId]);
  assert.deepEqual(arrivals.seqs, [1]);
  assert.ok(arrivals.atMs[0]! >= before && arrivals.atMs[0]! <= monotonicMs());
});

test('waitFor resolves at the count, or at its time limit', async () => {
  await receiver.call('reset', undefined);
  const waiting = receiver.call('waitFor', { count: 2, timeoutMs: 30_000 });
  await post('msg_3');
  await post('msg_4');
  assert.equal((await waiting).received, 2);
  const timedOut = await receiver.call('waitFor', { count: 99, timeoutMs: 50 });
  assert.equal(timedOut.received, 2);
});

test('down refuses connections; up again on the same port', async () => {
  await receiver.call('close', undefined);
  await assert.rejects(
    post('msg_5'),
    (error: Error & { code?: string }) => error.code === 'ECONNREFUSED',
  );
  await receiver.call('listen', { mode: 'verify', secret, port });
  assert.equal(await post('msg_6'), 204);
});
