import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

// `--metrics-listen 127.0.0.1:9464`: /metrics without a key, on a listener of its own, as
// Prometheus setups expect (a scraper on a private interface, no secret to configure). It
// serves nothing else: the API and its keys stay on the main listener.

export interface MetricsListener {
  url: string;
  close(): Promise<void>;
}

function envelope(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

export async function startMetricsListener(options: {
  host: string;
  port: number;
  registry: Registry;
}): Promise<MetricsListener> {
  const { registry } = options;
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
      response.end(envelope('not_found', 'this listener serves GET /metrics only'));
      return;
    }
    registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': registry.contentType });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      () => {
        response.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        response.end(envelope('internal', 'metrics could not be collected'));
      },
    );
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  server.maxConnections = 64;
  server.listen(options.port, options.host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => {
      throw error;
    }),
  ]);
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** `host:port` (IPv6 in brackets) of --metrics-listen. */
export function parseListenAddress(text: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port > 65535) {
    throw new Error(`'${text}' is not host:port (e.g. 127.0.0.1:9464 or [::1]:9464)`);
  }
  return { host: (match[1] ?? match[2])!, port };
}
