import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/clock.ts';
import { TargetPolicy } from '../../src/delivery/target-policy.ts';
import { RESPONSE_BODY_LIMIT, WebhookSender } from '../../src/delivery/webhook-sender.ts';
import { type LoopbackServer, startLoopbackServer } from './loopback-server.ts';

const body = JSON.stringify({ eventType: 'call.created', callId: 'c-1' });
const headers = {
  'webhook-id': 'msg_1',
  'webhook-timestamp': '1767225600',
  'webhook-signature': 'v1,x',
};

describe('webhook sender: what the endpoint answered', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const sender = new WebhookSender({
    version: '9.8.7',
    policy: new TargetPolicy({ allowTargets: ['127.0.0.0/8'] }),
    clock,
  });
  let server: LoopbackServer;
  let redirectTarget: LoopbackServer;

  before(async () => {
    redirectTarget = await startLoopbackServer((_req, res) => res.end('followed'));
    server = await startLoopbackServer((req, res) => {
      req.on('end', () => {
        switch (req.url) {
          case '/ok':
            return res.writeHead(200).end('thanks');
          case '/accepted':
            return res.writeHead(204).end();
          case '/fail':
            return res.writeHead(500).end('boom');
          case '/gone':
            return res.writeHead(410).end('endpoint removed');
          case '/slow-down':
            return res.writeHead(429, { 'retry-after': '120' }).end();
          case '/unavailable':
            return res.writeHead(503, { 'retry-after': 'Thu, 01 Jan 2026 00:10:00 GMT' }).end();
          case '/redirect':
            return res.writeHead(301, { location: `${redirectTarget.url}/elsewhere` }).end();
          case '/big':
            res.writeHead(200, { 'content-type': 'text/plain' });
            return res.end(`${'a'.repeat(1000)}${'é'.repeat(100)}${'z'.repeat(5 * 1024 * 1024)}`);
          case '/endless': {
            // Writes for as long as anyone reads; only a reader that stops lets it end.
            res.writeHead(200);
            const chunk = Buffer.alloc(64 * 1024, 'x');
            const pump = () => {
              while (!res.destroyed && res.write(chunk));
            };
            res.on('drain', pump);
            return pump();
          }
          default:
            return res.writeHead(404).end();
        }
      });
      req.resume();
    });
  });
  after(async () => {
    await sender.close();
    await server.close();
    await redirectTarget.close();
  });

  it('2xx is ok, and the request carries the body, the given headers, content-type and user-agent', async () => {
    const result = await sender.send({ url: `${server.url}/ok`, headers, body });
    assert.equal(result.ok, true);
    assert.equal(result.statusCode, 200);
    assert.equal(result.responseBody, 'thanks');
    assert.equal(result.error, undefined);
    assert.ok(result.latencyMs >= 0);
    const seen = server.requests.at(-1)!;
    assert.equal(seen.method, 'POST');
    assert.equal(seen.body, body);
    assert.equal(seen.headers['content-type'], 'application/json');
    assert.equal(seen.headers['user-agent'], 'callhook/9.8.7');
    assert.equal(seen.headers['webhook-id'], 'msg_1');
    assert.equal(seen.headers['webhook-signature'], 'v1,x');
    assert.equal((await sender.send({ url: `${server.url}/accepted`, headers, body })).ok, true);
  });

  it('a caller cannot override content-type or user-agent', async () => {
    await sender.send({
      url: `${server.url}/ok`,
      headers: { ...headers, 'Content-Type': 'text/plain', 'User-Agent': 'x' },
      body,
    });
    const seen = server.requests.at(-1)!;
    assert.equal(seen.headers['content-type'], 'application/json');
    assert.equal(seen.headers['user-agent'], 'callhook/9.8.7');
  });

  it('500 is not ok and keeps the status and body', async () => {
    const result = await sender.send({ url: `${server.url}/fail`, headers, body });
    assert.deepEqual(
      {
        ok: result.ok,
        statusCode: result.statusCode,
        body: result.responseBody,
        error: result.error,
      },
      { ok: false, statusCode: 500, body: 'boom', error: undefined },
    );
  });

  it('410 Gone is reported as such', async () => {
    const result = await sender.send({ url: `${server.url}/gone`, headers, body });
    assert.equal(result.ok, false);
    assert.equal(result.statusCode, 410);
  });

  it('429 carries Retry-After in ms (delta-seconds)', async () => {
    const result = await sender.send({ url: `${server.url}/slow-down`, headers, body });
    assert.equal(result.statusCode, 429);
    assert.equal(result.retryAfterMs, 120_000);
  });

  it('503 carries Retry-After in ms (HTTP-date, read against the clock)', async () => {
    const result = await sender.send({ url: `${server.url}/unavailable`, headers, body });
    assert.equal(result.statusCode, 503);
    assert.equal(result.retryAfterMs, 10 * 60_000);
  });

  it('a redirect is not followed', async () => {
    const result = await sender.send({ url: `${server.url}/redirect`, headers, body });
    assert.equal(result.ok, false);
    assert.equal(result.statusCode, 301);
    assert.equal(redirectTarget.requests.length, 0);
    assert.equal(redirectTarget.connections, 0);
  });

  it('a 5 MB response body is cut at 1 KiB and not read to the end', async () => {
    const started = performance.now();
    const result = await sender.send({ url: `${server.url}/big`, headers, body });
    assert.equal(result.ok, true);
    assert.ok(Buffer.byteLength(result.responseBody) <= RESPONSE_BODY_LIMIT);
    assert.ok(result.responseBody.startsWith('a'.repeat(1000)));
    assert.ok(performance.now() - started < 2000);
  });

  it('an endless response body does not hold the attempt', async () => {
    const result = await sender.send({
      url: `${server.url}/endless`,
      headers,
      body,
      timeoutMs: 5000,
    });
    assert.equal(result.ok, true);
    assert.equal(result.error, undefined);
    assert.equal(result.responseBody, 'x'.repeat(RESPONSE_BODY_LIMIT));
  });
});
