import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseListenAddress } from '../../src/http/metrics-listener.ts';
import { type KeyServer, startKeyServer } from '../auth/support/key-server.ts';

// --metrics-listen: /metrics without a key on a listener of its own; the API keeps its keys.

let s: KeyServer;
before(async () => {
  s = await startKeyServer({ metricsListen: { host: '127.0.0.1', port: 0 } });
});
after(() => s.close());

test('the metrics listener serves /metrics without a key, and nothing else', async () => {
  const url = s.server.metricsUrl ?? '';
  assert.ok(url.endsWith('/metrics'), url);
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
  const text = await res.text();
  assert.match(text, /^callhook_deliveries_pending 0$/m);
  assert.match(text, /^# TYPE callhook_commands_total counter$/m);

  const other = await fetch(url.replace('/metrics', '/v1/calls'));
  assert.equal(other.status, 404);
  assert.equal((await other.json()).error.code, 'not_found');
});

test('the API listener still wants a key for /metrics', async () => {
  const res = await fetch(`${s.server.url}/metrics`);
  assert.equal(res.status, 401);
});

test('listen addresses parse, IPv6 in brackets; others are refused', () => {
  assert.deepEqual(parseListenAddress('127.0.0.1:9464'), { host: '127.0.0.1', port: 9464 });
  assert.deepEqual(parseListenAddress('[::1]:9464'), { host: '::1', port: 9464 });
  assert.deepEqual(parseListenAddress('localhost:0'), { host: 'localhost', port: 0 });
  for (const bad of ['9464', '127.0.0.1', '127.0.0.1:99999', '::1:9464', ':9464', 'a:b']) {
    assert.throws(() => parseListenAddress(bad), /host:port/, bad);
  }
});
