import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { createReceiver } from '@callhook/sdk';
import { serve } from '@hono/node-server';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { bodyOf, deliveryHeaders, SECRET } from './support/signed-delivery.ts';

// The two ways a framework eats the body before the receiver sees it, through real servers:
// the answer must say what to do in that framework, and no handler may run.

const body = bodyOf('call.dtmf');
const init = () => ({
  method: 'POST',
  headers: deliveryHeaders({ id: 'evt-misuse', body }),
  body,
});

describe('receiver: a body already consumed by the framework', () => {
  const closers: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const close of closers) await close();
  });

  it('Fastify with its JSON parser: 500 raw_body_unavailable, naming the parser to add', async () => {
    let handled = 0;
    const receiver = createReceiver({ secret: SECRET }).onAny(() => handled++);
    const app = Fastify();
    app.post('/hooks', (request, reply) => {
      reply.hijack();
      void receiver.node(request.raw, reply.raw);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    const { port } = app.server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/hooks`, init());
    assert.equal(res.status, 500);
    const answer = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(answer.error.code, 'raw_body_unavailable');
    assert.match(
      answer.error.message,
      /Fastify: .*addContentTypeParser\("application\/json", \{ parseAs: "buffer" \}/,
    );
    assert.match(answer.error.message, /Express: /);
    assert.equal(handled, 0);
  });

  it('Hono after c.req.json(): 500 body_already_read, naming receiver.web(c.req.raw)', async () => {
    let handled = 0;
    const receiver = createReceiver({ secret: SECRET }).onAny(() => handled++);
    const app = new Hono();
    app.post('/hooks', async (c) => {
      await c.req.raw.clone().arrayBuffer(); // a clone leaves the body intact: still fine
      await c.req.json();
      return receiver.web(c.req.raw);
    });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await once(server, 'listening');
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/hooks`, init());
    assert.equal(res.status, 500);
    const answer = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(answer.error.code, 'body_already_read');
    assert.match(answer.error.message, /Hono: return receiver\.web\(c\.req\.raw\)/);
    assert.equal(handled, 0);
  });
});
