import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TargetPolicy } from '../../src/delivery/target-policy.ts';
import { type AttemptResult, WebhookSender } from '../../src/delivery/webhook-sender.ts';
import { WorkerSender } from '../../src/delivery/worker-sender.ts';
import { closedPort, type LoopbackServer, startLoopbackServer } from './loopback-server.ts';

const body = JSON.stringify({ eventType: 'call.created', callId: 'c-1', note: 'é ✓' });
const headers = {
  'webhook-id': 'msg_1',
  'webhook-timestamp': '1767225600',
  'webhook-signature': 'v1,abc v1,def',
};
const loopbackPolicy = () => new TargetPolicy({ allowTargets: ['127.0.0.0/8'] });

/** Everything but the latency, which differs from one attempt to the next. */
function withoutLatency(result: AttemptResult): Omit<AttemptResult, 'latencyMs'> {
  const { latencyMs: _latency, ...rest } = result;
  return rest;
}

describe('worker sender: webhook POSTs from a worker thread', () => {
  const sender = new WorkerSender({ version: '9.8.7', policy: loopbackPolicy() });
  const inProcess = new WebhookSender({ version: '9.8.7', policy: loopbackPolicy() });
  let server: LoopbackServer;
  /** Resolves the next request that reaches /hang, which is never answered. */
  let hangArrived: (() => void) | undefined;

  before(async () => {
    server = await startLoopbackServer((req, res) => {
      req.on('end', () => {
        const path = req.url ?? '';
        const numbered = /^\/n\/(\d+)$/.exec(path);
        if (numbered) {
          const n = Number(numbered[1]);
          return res.writeHead(n % 7 === 0 ? 500 : 200).end(`answer ${n}`);
        }
        switch (path) {
          case '/ok':
            return res.writeHead(200).end('thanks');
          case '/fail':
            return res.writeHead(500).end('boom');
          case '/unavailable':
            return res.writeHead(503, { 'retry-after': '120' }).end('later');
          case '/hang':
            hangArrived?.();
            return;
          default:
            return res.writeHead(404).end();
        }
      });
      req.resume();
    });
  });
  after(async () => {
    await sender.close();
    await inProcess.close();
    await server.close();
  });

  /**
   * Starts a send to /hang and resolves once the receiver has its request. The attempt's
   * promise comes back wrapped: an async function returning it bare would wait for it.
   */
  async function hangingSend(on: WorkerSender): Promise<{ result: Promise<AttemptResult> }> {
    const arrived = new Promise<void>((resolve) => {
      hangArrived = resolve;
    });
    const result = on.send({ url: `${server.url}/hang`, headers, body, timeoutMs: 60_000 });
    await arrived;
    return { result };
  }

  it('2xx: the body and headers arrive exactly as sent, and a URL object is accepted', async () => {
    const result = await sender.send({ url: new URL(`${server.url}/ok`), headers, body });
    assert.deepEqual(withoutLatency(result), { ok: true, statusCode: 200, responseBody: 'thanks' });
    assert.ok(result.latencyMs >= 0);
    const seen = server.requests.at(-1)!;
    assert.equal(seen.method, 'POST');
    assert.equal(seen.url, '/ok');
    assert.equal(seen.body, body);
    assert.equal(seen.headers['webhook-id'], headers['webhook-id']);
    assert.equal(seen.headers['webhook-timestamp'], headers['webhook-timestamp']);
    assert.equal(seen.headers['webhook-signature'], headers['webhook-signature']);
    assert.equal(seen.headers['content-type'], 'application/json');
    assert.equal(seen.headers['user-agent'], 'callhook/9.8.7');
  });

  it('500, and 503 with Retry-After, give what the in-process sender gives', async () => {
    for (const path of ['/fail', '/unavailable']) {
      const request = { url: `${server.url}${path}`, headers, body };
      const [threaded, local] = await Promise.all([sender.send(request), inProcess.send(request)]);
      assert.deepEqual(withoutLatency(threaded), withoutLatency(local), path);
    }
    const unavailable = await sender.send({ url: `${server.url}/unavailable`, headers, body });
    assert.equal(unavailable.statusCode, 503);
    assert.equal(unavailable.retryAfterMs, 120_000);
    assert.equal(unavailable.responseBody, 'later');
  });

  it('a receiver that never answers times out at timeoutMs', async () => {
    const result = await sender.send({ url: `${server.url}/hang`, headers, body, timeoutMs: 150 });
    assert.equal(result.ok, false);
    assert.equal(result.statusCode, null);
    assert.equal(result.error?.code, 'timeout');
    assert.match(result.error?.message ?? '', /within 150 ms/);
  });

  it('a closed port is connect_refused', async () => {
    const port = await closedPort();
    const result = await sender.send({ url: `http://127.0.0.1:${port}/`, headers, body });
    assert.equal(result.ok, false);
    assert.equal(result.statusCode, null);
    assert.equal(result.error?.code, 'connect_refused');
  });

  it('a loopback URL is forbidden_target when private targets are not allowed', async (t) => {
    const strict = new WorkerSender({ version: '0.0.0', policy: new TargetPolicy() });
    t.after(() => strict.close());
    const before = server.requests.length;
    const result = await strict.send({ url: `${server.url}/ok`, headers, body });
    assert.equal(result.ok, false);
    assert.equal(result.statusCode, null);
    assert.equal(result.error?.code, 'forbidden_target');
    assert.match(result.error?.message ?? '', /127\.0\.0\.1 is not a public address/);
    assert.equal(server.requests.length, before);
  });

  it('500 concurrent sends each get their own answer', async () => {
    const count = 500;
    const results = await Promise.all(
      Array.from({ length: count }, (_, n) =>
        sender.send({ url: `${server.url}/n/${n}`, headers, body }),
      ),
    );
    results.forEach((result, n) => {
      const status = n % 7 === 0 ? 500 : 200;
      assert.deepEqual(
        withoutLatency(result),
        { ok: status === 200, statusCode: status, responseBody: `answer ${n}` },
        `send ${n}`,
      );
    });
  });

  it('a worker that dies mid-send: the send fails, and the next send starts a new worker', async () => {
    const pending = await hangingSend(sender);
    await sender.terminateForTest();
    const result = await pending.result;
    assert.equal(result.ok, false);
    assert.equal(result.statusCode, null);
    assert.equal(result.error?.code, 'other');
    assert.match(result.error?.message ?? '', /sender thread exited/);
    const next = await sender.send({ url: `${server.url}/ok`, headers, body });
    assert.equal(next.ok, true);
    assert.equal(next.responseBody, 'thanks');
  });

  it('close() resolves, with or without a worker, and later sends fail', async () => {
    const unused = new WorkerSender({ version: '0.0.0', policy: loopbackPolicy() });
    await unused.close();

    const used = new WorkerSender({ version: '0.0.0', policy: loopbackPolicy() });
    assert.equal((await used.send({ url: `${server.url}/ok`, headers, body })).ok, true);
    await used.close();
    const late = await used.send({ url: `${server.url}/ok`, headers, body });
    assert.equal(late.ok, false);
    assert.equal(late.error?.code, 'other');
    assert.match(late.error?.message ?? '', /closed/);
  });

  it('close() ends a worker stuck on a send after the grace, and that send fails', async () => {
    const stuck = new WorkerSender({
      version: '0.0.0',
      policy: loopbackPolicy(),
      closeGraceMs: 100,
    });
    const pending = await hangingSend(stuck);
    await stuck.close();
    const result = await pending.result;
    assert.equal(result.ok, false);
    assert.equal(result.error?.code, 'other');
    assert.match(result.error?.message ?? '', /sender thread exited/);
  });
});
