import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TargetPolicy } from '../../src/delivery/target-policy.ts';
import { WebhookSender } from '../../src/delivery/webhook-sender.ts';
import { startLoopbackServer } from './loopback-server.ts';

describe('webhook sender: connection reuse', () => {
  it('two sends to one endpoint use one TCP connection', async (t) => {
    const server = await startLoopbackServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    const sender = new WebhookSender({
      version: '0.0.0',
      policy: new TargetPolicy({ allowTargets: ['127.0.0.0/8'] }),
    });
    t.after(async () => {
      await sender.close();
      await server.close();
    });
    const first = await sender.send({ url: `${server.url}/a`, headers: {}, body: '{}' });
    const second = await sender.send({ url: `${server.url}/b`, headers: {}, body: '{}' });
    assert.equal(first.ok, true);
    assert.equal(second.ok, true);
    assert.equal(server.requests.length, 2);
    assert.equal(server.connections, 1);
  });

  it('concurrent sends to one origin each get a connection of their own', async (t) => {
    const waiting: (() => void)[] = [];
    const server = await startLoopbackServer((req, res) => {
      req.resume();
      // Hold every answer until three requests are in, so they must be in flight together.
      waiting.push(() => res.end('ok'));
      if (waiting.length === 3) for (const answer of waiting) answer();
    });
    const sender = new WebhookSender({
      version: '0.0.0',
      policy: new TargetPolicy({ allowTargets: ['127.0.0.0/8'] }),
    });
    t.after(async () => {
      await sender.close();
      await server.close();
    });
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        sender.send({ url: server.url, headers: {}, body: '{}', timeoutMs: 2000 }),
      ),
    );
    assert.deepEqual(
      results.map((r) => r.ok),
      [true, true, true],
    );
    assert.equal(server.connections, 3);
  });
});
