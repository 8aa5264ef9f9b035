import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createConnection, createServer, type Socket } from 'node:net';
import { type TestContext, test } from 'node:test';
import { ManualClock } from '../../src/clock.ts';
import { parseSipMessage } from '../../src/sip/parse-sip-message.ts';
import type { Peer } from '../../src/sip/server-transactions.ts';
import type { SipMessage } from '../../src/sip/sip-message.ts';
import { TcpTransport } from '../../src/sip/tcp-transport.ts';
import { tcpRequest } from './support/tcp-sip-client.ts';

// The TCP transport's bounds and reuse, on real loopback sockets and the injectable clock:
// at most maxConnections open (more are closed on accept), a connection idle for idleMs is
// closed (traffic defers it), and a request to a peer with no connection opens one and the
// next reuses it.

async function listen(t: TestContext, options: { maxConnections?: number; idleMs?: number }) {
  const clock = new ManualClock(0);
  const received: { from: Peer; text: string }[] = [];
  const transport = await TcpTransport.listen(
    '127.0.0.1',
    0,
    {
      onMessage: (data, from) => received.push({ from, text: data.toString() }),
      onFramingError: () => {},
    },
    { clock, maxMessageBytes: 16_384, ...options },
  );
  t.after(() => transport.close());
  return { clock, transport, received };
}

async function connect(t: TestContext, port: number): Promise<Socket> {
  const socket = createConnection({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  t.after(() => socket.destroy());
  await once(socket, 'connect');
  return socket;
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('connections past maxConnections are closed on accept; the others are kept', async (t) => {
  const { transport, received } = await listen(t, { maxConnections: 2 });
  const [a, b] = [
    await connect(t, transport.address.port),
    await connect(t, transport.address.port),
  ];
  await until(() => transport.connectionCount === 2, 'two connections');
  const c = await connect(t, transport.address.port);
  await once(c, 'close');
  assert.equal(transport.connectionCount, 2);
  a.write(tcpRequest('OPTIONS', { callId: 'a' }));
  b.write(tcpRequest('OPTIONS', { callId: 'b' }));
  await until(() => received.length === 2, 'both messages');
  assert.notEqual(received[0]!.from.connection, received[1]!.from.connection);
  assert.ok(received.every((r) => r.from.reliable === true));
});

test('a connection idle for idleMs is closed; traffic in between defers it', async (t) => {
  const { clock, transport, received } = await listen(t, { idleMs: 60_000 });
  const socket = await connect(t, transport.address.port);
  await until(() => transport.connectionCount === 1, 'one connection');
  clock.advance(50_000);
  socket.write(tcpRequest('OPTIONS'));
  await until(() => received.length === 1, 'the message');
  clock.advance(50_000); // 100 s since it opened, 50 s since its last traffic
  assert.equal(transport.connectionCount, 1, 'not idle long enough');
  const closed = once(socket, 'close');
  clock.advance(10_000);
  await closed;
  assert.equal(transport.connectionCount, 0);
});

test('a request to a peer with no connection opens one, and the next request reuses it', async (t) => {
  const { transport } = await listen(t, {});
  const phoneConnections: Socket[] = [];
  let bytes = '';
  const phone = createServer((socket) => {
    phoneConnections.push(socket);
    socket.on('data', (d) => {
      bytes += d.toString();
    });
  });
  phone.listen(0, '127.0.0.1');
  await once(phone, 'listening');
  t.after(() => {
    for (const s of phoneConnections) s.destroy();
    phone.close();
  });
  const to: Peer = { address: '127.0.0.1', port: (phone.address() as { port: number }).port };
  const parsed = parseSipMessage(Buffer.from(tcpRequest('BYE', { callId: 'out' })), 16_384);
  assert.ok(parsed.ok);
  const bye: SipMessage = parsed.message;
  transport.send(bye, to);
  transport.send(bye, to);
  await until(() => bytes.split('BYE sip:').length === 3, 'two BYEs at the phone');
  assert.equal(phoneConnections.length, 1, 'one connection for both');
  assert.equal(transport.connectionCount, 1);
});
