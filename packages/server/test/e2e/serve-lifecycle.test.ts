import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { apiClient, spawnServer } from '../support/spawn-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'callhook-serve-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('first start generates a key, prints it once, stores only its hash; SIGTERM exits 0; a restart continues active calls', async () => {
  const first = await spawnServer(['--data', dir]);
  const match = first
    .output()
    .match(/admin API key \(shown once; only its hash is stored\): (chk_\S+)/);
  assert.ok(match, `no generated key printed:\n${first.output()}`);
  const key = match[1]!;
  assert.ok(
    !readFileSync(join(dir, 'api-key.sha256'), 'utf8').includes(key),
    'key stored in clear',
  );
  assert.match(first.output(), /data: .*callhook\.db/);

  const api = apiClient(first.url, key);
  assert.equal((await api('GET', '/v1/calls')).status, 200);
  assert.equal((await apiClient(first.url, 'wrong')('GET', '/v1/calls')).status, 401);
  const created = await api('POST', '/v1/calls', { threadId: 'thread-1', streamId: 'stream-1' });
  assert.equal(created.status, 201);
  const callId = created.body.callId as string;
  assert.equal(
    (await api('POST', `/v1/calls/${callId}/participants`, { userId: 'alice' })).status,
    200,
  );

  first.child.kill('SIGTERM');
  assert.deepEqual(await first.exited, { code: 0, signal: null });

  const second = await spawnServer(['--data', dir]);
  try {
    assert.doesNotMatch(second.output(), /chk_/, 'the key must be printed only when generated');
    const api2 = apiClient(second.url, key);
    const invited = await api2('POST', `/v1/calls/${callId}/participants`, { userId: 'bob' });
    assert.equal(invited.status, 200);
    assert.equal(invited.body.lastSeq, 3);
    const events = await api2('GET', `/v1/events?callId=${callId}`);
    assert.deepEqual(
      (events.body.events as { type: string }[]).map((e) => e.type),
      ['call.created', 'call.user.invited', 'call.user.invited'],
    );
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
  }
});

test('bad command-line input is refused with a clear message and exit code 2', async () => {
  await assert.rejects(
    spawnServer(['--data', dir, '--durability', 'sometimes']),
    /--durability must be 'default' or 'strict'/,
  );
});
