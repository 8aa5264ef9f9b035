import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RecordingReceiver } from '../support/recording-receiver.ts';
import { apiClient, spawnServer } from '../support/spawn-server.ts';

// At least once, in order per call, across a crash: the server is SIGKILLed while hundreds of
// deliveries are pending or in flight; after a restart every event arrives, each call's events
// arrive in seq order (a repeat only of the delivery that was in flight, with the same
// webhook-id), and every signature verifies with the standardwebhooks package.

const KEY = 'delivery-crash-key';
const CALLS = 120;
const dir = mkdtempSync(join(tmpdir(), 'callhook-dcrash-'));
const receiver = new RecordingReceiver(5);
after(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

const serveArgs = [
  '--data',
  dir,
  '--allow-private-targets',
  '--retry-schedule',
  '0,100ms,200ms,400ms',
];

test('SIGKILL with deliveries in flight: after restart all arrive, in seq order per call', async () => {
  const url = await receiver.listen();
  const first = await spawnServer(serveArgs, { CALLHOOK_API_KEY: KEY });
  const api = apiClient(first.url, KEY);
  const endpoint = await api('POST', '/v1/endpoints', { url });
  assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));
  receiver.setSecret(endpoint.body.secret as string);

  // 120 calls × (created, invited, invited, dtmf ×2) = 600 events, sent as fast as possible.
  const expected = new Map<string, number>();
  await Promise.all(
    Array.from({ length: 8 }, async (_, w) => {
      for (let i = w; i < CALLS; i += 8) {
        const c = await api('POST', '/v1/calls', { threadId: `t${i}`, streamId: 's' });
        const callId = c.body.callId as string;
        await api('POST', `/v1/calls/${callId}/participants`, { userId: 'a' });
        await api('POST', `/v1/calls/${callId}/participants`, { userId: 'b' });
        const d = await api('POST', `/v1/calls/${callId}/dtmf`, { digits: '12' });
        expected.set(callId, d.body.lastSeq as number);
      }
    }),
  );
  const total = [...expected.values()].reduce((a, b) => a + b, 0);
  assert.equal(total, CALLS * 5);
  await receiver.until(() => receiver.distinct() >= 100, 20_000, '100 deliveries');
  first.child.kill('SIGKILL');
  await first.exited;
  const beforeRestart = receiver.distinct();
  assert.ok(beforeRestart < total, 'the kill came too late to test anything');

  const second = await spawnServer(serveArgs, { CALLHOOK_API_KEY: KEY });
  try {
    await receiver.until(() => receiver.distinct() === total, 30_000, `all ${total} events`);
    assert.deepEqual(receiver.rejected, [], 'every signature verifies');
    const byCall = new Map<string, number[]>();
    for (const a of receiver.arrivals)
      byCall.set(a.callId, [...(byCall.get(a.callId) ?? []), a.seq]);
    for (const [callId, last] of expected) {
      const seqs = byCall.get(callId) ?? [];
      const firsts = seqs.filter((s, i) => seqs.indexOf(s) === i);
      assert.deepEqual(
        firsts,
        Array.from({ length: last }, (_, i) => i + 1),
        `order of ${callId}`,
      );
      for (let i = 1; i < seqs.length; i++) {
        assert.ok(seqs[i]! >= seqs[i - 1]!, `call ${callId} went back: ${seqs.join(',')}`);
      }
    }
    const ids = new Map<string, string>();
    for (const a of receiver.arrivals) {
      const key = `${a.callId}/${a.seq}`;
      assert.equal(ids.get(key) ?? a.webhookId, a.webhookId, 'a repeat keeps its webhook-id');
      ids.set(key, a.webhookId);
    }
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
  }
});
