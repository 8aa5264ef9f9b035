// A real HTTP server on 127.0.0.1 for sender tests; counts requests and TCP connections.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenOnLoopback } from './listen-on-loopback.ts';

export interface LoopbackServer {
  port: number;
  url: string;
  /** Requests whose headers reached the server, with their bodies once read. */
  requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
  readonly connections: number;
  close(): Promise<void>;
}

export async function startLoopbackServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<LoopbackServer> {
  const server = createServer((req, res) => {
    const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: '' };
    state.requests.push(entry);
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      entry.body += chunk;
    });
    handler(req, res);
  });
  const listener = await listenOnLoopback(server);
  const state: LoopbackServer = {
    port: listener.port,
    url: `http://127.0.0.1:${listener.port}`,
    requests: [],
    get connections() {
      return listener.connections;
    },
    close: listener.close,
  };
  return state;
}

/** A port that was just open and is now closed: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
