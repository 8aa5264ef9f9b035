import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RecordingReceiver } from '../support/recording-receiver.ts';
import { apiClient, spawnServer } from '../support/spawn-server.ts';

// `callhook serve` sends webhooks from the main thread by default and from a worker thread
// with --sender-thread; a real process from source delivers signed events either way.

const KEY = 'sender-thread-key';
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

for (const flags of [[], ['--sender-thread']]) {
  test(`serve ${flags.join(' ') || '(main-thread sends)'} delivers a call's events`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'callhook-sender-thread-'));
    dirs.push(dir);
    const receiver = new RecordingReceiver();
    t.after(() => receiver.close());
    const url = await receiver.listen();
    const server = await spawnServer(['--data', dir, '--allow-private-targets', ...flags], {
      CALLHOOK_API_KEY: KEY,
    });
    t.after(async () => {
      server.child.kill('SIGTERM');
      const { code } = await server.exited;
      assert.equal(code, 0, 'a clean shutdown');
    });
    const api = apiClient(server.url, KEY);
    const endpoint = await api('POST', '/v1/endpoints', { url });
    assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));
    receiver.setSecret(endpoint.body.secret as string);
    const call = await api('POST', '/v1/calls', { threadId: 't1', streamId: 's' });
    const callId = call.body.callId as string;
    const joined = await api('POST', `/v1/calls/${callId}/participants`, { userId: 'a' });
    const last = joined.body.lastSeq as number;
    assert.ok(last >= 2, JSON.stringify(joined.body));

    await receiver.until(() => receiver.distinct() >= last, 10_000, `${last} events`);
    assert.deepEqual(receiver.rejected, [], 'every signature verifies');
    assert.deepEqual(
      receiver.arrivals.map((a) => a.seq),
      Array.from({ length: last }, (_, i) => i + 1),
    );
  });
}
