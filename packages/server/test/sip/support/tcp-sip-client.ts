import { once } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import type { TestContext } from 'node:test';
import { parseSipMessage } from '../../../src/sip/parse-sip-message.ts';
import type { SipResponse } from '../../../src/sip/sip-message.ts';
import { SipStreamFramer } from '../../../src/sip/sip-stream-framing.ts';

// A raw TCP connection to callhook's SIP listener: hand-written bytes out, the answers framed
// back by Content-Length, and whether callhook closed the connection.

export interface TcpSipClient {
  socket: Socket;
  responses: SipResponse[];
  /** Resolves once callhook has closed the connection. */
  closed: Promise<void>;
  isClosed(): boolean;
  /** Waits until `count` responses arrived, or `ms` passed; returns them all. */
  waitFor(count: number, ms?: number): Promise<SipResponse[]>;
}

export async function tcpSipClient(
  t: TestContext,
  target: { address: string; port: number },
): Promise<TcpSipClient> {
  const socket = createConnection({ host: target.address, port: target.port });
  await once(socket, 'connect');
  t.after(() => socket.destroy());
  const responses: SipResponse[] = [];
  const framer = new SipStreamFramer(65_536);
  socket.on('data', (chunk: Buffer) => {
    for (const framed of framer.push(chunk)) {
      if (framed.kind !== 'message') continue;
      const parsed = parseSipMessage(framed.data, 65_536);
      if (parsed.ok && parsed.message.kind === 'response') responses.push(parsed.message);
    }
  });
  socket.on('error', () => {});
  let closedNow = false;
  const closed = once(socket, 'close').then(() => {
    closedNow = true;
  });
  return {
    socket,
    responses,
    closed,
    isClosed: () => closedNow,
    async waitFor(count, ms = 5_000) {
      const deadline = Date.now() + ms;
      while (responses.length < count && Date.now() < deadline && !closedNow) {
        await new Promise((r) => setTimeout(r, 10));
      }
      return responses;
    },
  };
}

/** A request as sent over TCP: `Via: SIP/2.0/TCP`, CRLF line ends, and its Content-Length. */
export function tcpRequest(
  method: string,
  options: { callId?: string; branch?: string; body?: string; contentLength?: string | null } = {},
): string {
  const body = options.body ?? '';
  const length =
    options.contentLength === undefined ? String(Buffer.byteLength(body)) : options.contentLength;
  return [
    `${method} sip:1001@127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/TCP 127.0.0.1:5999;branch=${options.branch ?? `z9hG4bK-${Math.random()}`}`,
    'Max-Forwards: 70',
    'From: <sip:mallory@127.0.0.1>;tag=m1',
    'To: <sip:1001@127.0.0.1>',
    `Call-ID: ${options.callId ?? `tcp-${Math.random()}`}`,
    `CSeq: 1 ${method}`,
    ...(length === null ? [] : [`Content-Length: ${length}`]),
    '',
    body,
  ].join('\r\n');
}
