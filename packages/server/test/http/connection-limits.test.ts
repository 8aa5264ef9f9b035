import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { type KeyServer, startKeyServer } from '../auth/support/key-server.ts';

// Slowloris and idle floods: a client that sends its headers too slowly, or nothing at all, is
// cut off; connections over the cap are closed as they arrive. Real sockets, small limits.

let s: KeyServer;
let port: number;
before(async () => {
  s = await startKeyServer({
    httpLimits: {
      maxConnections: 4,
      headersTimeoutMs: 500,
      requestTimeoutMs: 1_000,
      socketIdleTimeoutMs: 1_500,
    },
  });
  port = Number(new URL(s.server.url).port);
});
after(() => s.close());

interface Watched {
  socket: Socket;
  data: () => string;
  closed: Promise<number>;
}

/** A connection, and when (ms after opening) the server closed it. */
function open(): Promise<Watched> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      data += d;
    });
    const closed = new Promise<number>((done) =>
      socket.on('close', () => done(Date.now() - started)),
    );
    socket.on('error', () => {});
    socket.once('connect', () => resolve({ socket, data: () => data, closed }));
    socket.once('error', reject);
  });
}

test('headers sent too slowly: 408 in the envelope, then the connection is closed', async () => {
  const c = await open();
  c.socket.write('GET /v1/calls HTTP/1.1\r\nHost: x\r\n'); // and never the end of the headers
  const ms = await c.closed;
  assert.ok(ms < 4_000, `closed after ${ms} ms`);
  assert.match(c.data(), /^HTTP\/1\.1 408 /);
  assert.match(c.data(), /"code":"request_timeout"/);
});

test('a connection that sends nothing is closed', async () => {
  const c = await open();
  const ms = await c.closed;
  assert.ok(ms < 5_000, `closed after ${ms} ms`);
});

test('connections over the cap are closed at once; the ones within it are served', async () => {
  const held = await Promise.all([open(), open(), open(), open()]);
  const extra = await open();
  const ms = await extra.closed;
  assert.ok(ms < 1_000, `the fifth connection lived ${ms} ms`);
  assert.equal(extra.data(), '');
  for (const c of held) c.socket.destroy();
  await Promise.all(held.map((c) => c.closed));
  // Freed: a new client is served.
  const res = await fetch(`${s.server.url}/healthz`);
  assert.equal(res.status, 200);
});
