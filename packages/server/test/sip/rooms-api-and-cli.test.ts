import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { serverForThisFile } from '../cli/support/file-server.ts';
import { runCli } from '../cli/support/run-cli.ts';
import { freeUdpPort } from './support/sipp-command.ts';

// Rooms through the API and through `callhook sip rooms add|list|rm`, against a real
// `callhook serve --sip` process.

const served = serverForThisFile('sip-rooms', [
  '--sip',
  'udp:127.0.0.1:0',
  '--sip',
  'tcp:127.0.0.1:0',
]);

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${served.server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${served.apiKey}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

test('the banner names each SIP address with its transport', () => {
  assert.match(served.server.output(), /^sip: udp:127\.0\.0\.1:\d+ tcp:127\.0\.0\.1:\d+$/m);
});

test('rooms: create, read, list in pages, delete; each mistake has its code and changes nothing', async () => {
  const created = await api('POST', '/v1/sip/rooms', {
    room: '1001',
    streamId: 's1',
    threadId: 't1',
  });
  assert.equal(created.status, 201);
  assert.equal(created.body.room, '1001');
  assert.equal(typeof created.body.createdAt, 'number');
  const again = await api('POST', '/v1/sip/rooms', {
    room: '1001',
    streamId: 's1',
    threadId: 'other',
  });
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'conflict');
  assert.equal((await api('GET', '/v1/sip/rooms/1001')).body.threadId, 't1');
  for (const bad of [
    { room: 'has space', streamId: 's', threadId: 't' },
    { room: '', streamId: 's', threadId: 't' },
    { room: '1002', streamId: 's' },
    { room: '1002', streamId: 's', threadId: 't', extra: 1 },
    { room: '1002', streamId: 's', threadId: 'bad thread' },
  ]) {
    const res = await api('POST', '/v1/sip/rooms', bad);
    assert.equal(res.status, 400, JSON.stringify(bad));
    assert.equal(res.body.error.code, 'validation_error');
  }
  assert.equal((await api('GET', '/v1/sip/rooms/1002')).status, 404);
  for (const room of ['1003', '1002', 'lobby']) {
    assert.equal(
      (await api('POST', '/v1/sip/rooms', { room, streamId: 's', threadId: `t-${room}` })).status,
      201,
    );
  }
  const first = await api('GET', '/v1/sip/rooms?limit=2');
  assert.deepEqual(
    first.body.rooms.map((r: { room: string }) => r.room),
    ['1001', '1002'],
  );
  const second = await api('GET', `/v1/sip/rooms?limit=2&cursor=${first.body.nextCursor}`);
  assert.deepEqual(
    second.body.rooms.map((r: { room: string }) => r.room),
    ['1003', 'lobby'],
  );
  assert.equal(second.body.nextCursor, null);
  assert.equal((await api('DELETE', '/v1/sip/rooms/1003')).status, 204);
  const gone = await api('DELETE', '/v1/sip/rooms/1003');
  assert.equal(gone.status, 404);
  assert.equal(gone.body.error.code, 'not_found');
  for (const room of ['1001', '1002', 'lobby']) await api('DELETE', `/v1/sip/rooms/${room}`);
});

test('callhook sip rooms add, list and rm', async () => {
  const add = await runCli(
    ['sip', 'rooms', 'add', '2001', '--stream', 'stream-a', '--thread', 'thread-a'],
    served.env,
  );
  assert.equal(add.code, 0, add.stderr);
  assert.match(add.stdout, /Room 2001 → stream stream-a, thread thread-a/);
  const list = await runCli(['sip', 'rooms', 'list'], served.env);
  assert.match(list.stdout, /2001\s+stream-a\s+thread-a/);
  const json = await runCli(['sip', 'rooms', 'list', '--json'], served.env);
  assert.deepEqual(
    JSON.parse(json.stdout).map((r: { room: string }) => r.room),
    ['2001'],
  );
  const duplicate = await runCli(
    ['sip', 'rooms', 'add', '2001', '--stream', 's', '--thread', 't'],
    served.env,
  );
  assert.notEqual(duplicate.code, 0);
  assert.match(duplicate.stderr, /exists/);
  const badThread = await runCli(
    ['sip', 'rooms', 'add', '2002', '--stream', 's', '--thread', 'bad thread'],
    served.env,
  );
  assert.equal(badThread.code, 2, 'a bad id is a usage error');
  const rm = await runCli(['sip', 'rooms', 'rm', '2001'], served.env);
  assert.equal(rm.code, 0, rm.stderr);
  const empty = await runCli(['sip', 'rooms', 'list'], served.env);
  assert.match(empty.stdout, /No rooms yet/, empty.stderr);
});

test('serve refuses a bad --sip address or transport with a usage error', async () => {
  const port = await freeUdpPort();
  for (const [flag, message] of [
    [`tls:127.0.0.1:${port}`, /transport 'tls' is not supported/],
    ['udp:localhost:5060', /not an IP address/],
    ['127.0.0.1:5060', /<transport>:<ip>:<port>/],
  ] as const) {
    const data = join(tmpdir(), `callhook-sip-never-made-${port}`);
    const result = await runCli(['serve', '--port', '0', '--data', data, '--sip', flag]);
    assert.equal(result.code, 2, flag);
    assert.match(result.stderr, message);
    assert.equal(existsSync(data), false, 'nothing was written before the usage error');
  }
});
