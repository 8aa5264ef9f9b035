import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { test } from 'node:test';
import { startPgNode } from '../support/pg-node.ts';
import { freshDatabase } from '../support/postgres.ts';

// The database goes away under a running node: a TCP proxy on loopback between callhook and
// PostgreSQL drops every connection and refuses new ones. Commands answer 503 `unavailable`,
// /readyz answers 503, nothing half-written appears; once the proxy lets connections through
// again, the node works again by itself, without a restart.

const KEY = 'connection-lost-key-0123456789';

class CuttableProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  down = false;

  async listen(target: { host: string; port: number }): Promise<number> {
    this.server = createServer((client) => {
      if (this.down) {
        client.destroy();
        return;
      }
      const upstream = connect(target.port, target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return (this.server.address() as AddressInfo).port;
  }

  cut(): void {
    this.down = true;
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}

test('database unreachable: 503 unavailable and /readyz 503, nothing half-written; back by itself', async (t) => {
  const direct = new URL(await freshDatabase(t));
  const proxy = new CuttableProxy();
  const port = await proxy.listen({ host: direct.hostname, port: Number(direct.port) });
  const viaProxy = new URL(direct);
  viaProxy.port = String(port);
  const server = await startPgNode(t, KEY, {
    url: viaProxy.toString(),
    poolSize: 4,
    statementTimeoutMs: 5000,
  });
  t.after(() => proxy.close());
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${KEY}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      body: (await res.json()) as Record<string, unknown>,
    };
  };
  const call = { threadId: 'lost', streamId: 's' };

  assert.equal((await api('POST', '/v1/calls', call)).status, 201);
  proxy.cut();
  const refused = await api('POST', '/v1/calls', call);
  assert.equal(refused.status, 503, JSON.stringify(refused.body));
  assert.equal((refused.body.error as { code: string }).code, 'unavailable');
  assert.equal(refused.retryAfter, '5', 'a 503 says when to try again');
  assert.equal((await api('GET', '/readyz')).status, 503);

  proxy.down = false;
  let back = 0;
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    back = (await api('POST', '/v1/calls', call)).status;
    if (back === 201) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(back, 201, 'commands work again once the database is reachable');
  assert.equal((await api('GET', '/readyz')).status, 200);
  const events = await api('GET', '/v1/events?limit=100');
  assert.equal(
    (events.body.events as unknown[]).length,
    2,
    'the two acknowledged calls made events; the refused one made none',
  );
});
