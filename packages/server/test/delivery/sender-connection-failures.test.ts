import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { TargetPolicy } from '../../src/delivery/target-policy.ts';
import { WebhookSender } from '../../src/delivery/webhook-sender.ts';
import { closedPort, startLoopbackServer } from './loopback-server.ts';

const body = '{"eventType":"call.created"}';
const headers = { 'webhook-id': 'msg_1' };

describe('webhook sender: attempts that get no HTTP answer', () => {
  const sender = new WebhookSender({
    version: '0.0.0',
    policy: new TargetPolicy({ allowTargets: ['127.0.0.0/8'] }),
  });
  after(() => sender.close());

  it('a server that never answers times out at timeoutMs', async (t) => {
    const server = await startLoopbackServer(() => {});
    t.after(() => server.close());
    const started = performance.now();
    const result = await sender.send({ url: `${server.url}/hang`, headers, body, timeoutMs: 150 });
    const took = performance.now() - started;
    assert.equal(result.ok, false);
    assert.equal(result.statusCode, null);
    assert.equal(result.error?.code, 'timeout');
    assert.match(result.error?.message ?? '', /within 150 ms/);
    assert.ok(took >= 140 && took < 1500, `took ${took} ms`);
    assert.equal(server.requests.length, 1);
  });

  it('a server that stops sending its body mid-way times out too', async (t) => {
    const server = await startLoopbackServer((_req, res) => {
      res.writeHead(200);
      res.write('partial');
    });
    t.after(() => server.close());
    const result = await sender.send({ url: server.url, headers, body, timeoutMs: 150 });
    assert.equal(result.ok, false);
    assert.equal(result.error?.code, 'timeout');
  });

  it('a server that destroys the socket is connection_reset', async (t) => {
    const server = await startLoopbackServer((req) => req.socket.destroy());
    t.after(() => server.close());
    const result = await sender.send({ url: server.url, headers, body });
    assert.equal(result.ok, false);
    assert.equal(result.statusCode, null);
    assert.equal(result.error?.code, 'connection_reset');
  });

  it('a closed port is connect_refused', async () => {
    const port = await closedPort();
    const result = await sender.send({ url: `http://127.0.0.1:${port}/`, headers, body });
    assert.equal(result.ok, false);
    assert.equal(result.statusCode, null);
    assert.equal(result.error?.code, 'connect_refused');
  });

  it('a host that does not resolve is dns', async (t) => {
    const failing = new WebhookSender({
      version: '0.0.0',
      policy: new TargetPolicy(),
      resolve: async (host) => {
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      },
    });
    t.after(() => failing.close());
    const result = await failing.send({ url: 'http://nowhere.test/', headers, body });
    assert.equal(result.error?.code, 'dns');
  });

  it('https to a server that speaks plain http is tls', async (t) => {
    const server = await startLoopbackServer((_req, res) => res.end());
    t.after(() => server.close());
    const result = await sender.send({ url: `https://127.0.0.1:${server.port}/`, headers, body });
    assert.equal(result.statusCode, null);
    assert.equal(result.error?.code, 'tls');
  });

  it('a URL that cannot be parsed is other, not a throw', async () => {
    const result = await sender.send({ url: 'not a url', headers, body });
    assert.equal(result.ok, false);
    assert.equal(result.error?.code, 'other');
  });
});
