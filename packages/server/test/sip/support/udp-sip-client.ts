import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import type { TestContext } from 'node:test';
import { parseSipMessage } from '../../../src/sip/parse-sip-message.ts';
import type { SipResponse } from '../../../src/sip/sip-message.ts';

// A raw UDP socket that sends hand-written SIP to callhook and collects what comes back: for
// the inputs no well-behaved peer would send.

export interface RawSipClient {
  port: number;
  send(data: string | Buffer): void;
  /** Responses received so far (parsed). */
  responses: SipResponse[];
  /** Waits until `count` responses arrived, or `ms` passed; returns them all. */
  waitFor(count: number, ms?: number): Promise<SipResponse[]>;
  /** The first response (already here or arriving) that `match` accepts; rejects after `ms`. */
  response(match: (r: SipResponse) => boolean, ms?: number): Promise<SipResponse>;
}

export async function rawSipClient(
  t: TestContext,
  target: { address: string; port: number },
  /** Keep only answers sent from this address (the default: any). */
  options: { from?: { address: string; port: number } } = {},
): Promise<RawSipClient> {
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  t.after(() => socket.close());
  const responses: SipResponse[] = [];
  const waiting = new Set<(r: SipResponse) => void>();
  const push = (r: SipResponse) => {
    responses.push(r);
    for (const notify of waiting) notify(r);
  };
  socket.on('message', (data, info) => {
    if (options.from && (info.port !== options.from.port || info.address !== options.from.address))
      return;
    const parsed = parseSipMessage(data, 65_536);
    if (parsed.ok && parsed.message.kind === 'response') push(parsed.message);
    else if (!parsed.ok) {
      // An answer that copied a bad header of the request (a bad CSeq): status and Call-ID.
      const text = data.toString();
      const status = /^SIP\/2\.0 (\d{3})/.exec(text)?.[1];
      const callId = /\r\nCall-ID: (\S+)/.exec(text)?.[1];
      if (status && callId) {
        const headers = new Map([['call-id', [callId]]]);
        push({
          kind: 'response',
          status: Number(status),
          reason: '',
          headers,
          body: Buffer.alloc(0),
        });
      }
    }
  });
  return {
    port: socket.address().port,
    responses,
    send: (data) =>
      socket.send(Buffer.isBuffer(data) ? data : Buffer.from(data), target.port, target.address),
    response(match, ms = 5_000) {
      const found = responses.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(notify);
          reject(new Error('no matching SIP response'));
        }, ms);
        const notify = (r: SipResponse) => {
          if (!match(r)) return;
          clearTimeout(timer);
          waiting.delete(notify);
          resolve(r);
        };
        waiting.add(notify);
      });
    },
    async waitFor(count, ms = 3_000) {
      const deadline = Date.now() + ms;
      while (responses.length < count && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      return responses;
    },
  };
}

let sequence = 0;

/** A request as text; `lines` replace or add headers (`Name: value`), `body` is appended. */
export function sipRequest(
  method: string,
  options: {
    uri?: string;
    from?: string;
    port: number;
    headers?: string[];
    body?: string;
    toTag?: string;
  },
): string {
  sequence += 1;
  const base: Record<string, string> = {
    Via: `SIP/2.0/UDP 127.0.0.1:${options.port};branch=z9hG4bK-raw-${sequence};rport`,
    From: `<sip:${options.from ?? 'mallory'}@127.0.0.1>;tag=t${sequence}`,
    To: `<${options.uri ?? 'sip:1001@127.0.0.1'}>${options.toTag ? `;tag=${options.toTag}` : ''}`,
    'Call-ID': `raw-${sequence}@127.0.0.1`,
    CSeq: `1 ${method}`,
    'Max-Forwards': '70',
  };
  for (const line of options.headers ?? []) {
    const [name, ...value] = line.split(':');
    base[name!] = value.join(':').trim();
  }
  const body = options.body ?? '';
  const head = Object.entries(base)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}`);
  return `${method} ${options.uri ?? 'sip:1001@127.0.0.1'} SIP/2.0\r\n${head.join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}
