import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { eventSizedBody, PLACEHOLDER_SIGNATURE } from '../lib/event-sized-body.ts';
import { serveRequests } from './child-rpc.ts';

// Scenario 8's relay, in its own process: the least a service in the middle can do. Each
// control-API command in (node:http) becomes one event-sized POST out (undici, keep-alive) to
// the receiver, with callhook's set of delivery headers, and the command is answered only once
// the receiver has answered. No storage, no signing, no validation: it keeps each call's last
// seq in memory so the load generator sees one event per command, and nothing else.

export interface RelayStats {
  commands: number;
  /** Commands answered 502 because the receiver did not answer 2xx. */
  failed: number;
}

const CALL_PATH = /^\/v1\/calls\/([^/]+)\//;
let server: Server | undefined;
let pool: Pool | undefined;
let lastSeqs = new Map<string, number>();
let stats: RelayStats = { commands: 0, failed: 0 };

/** The call a command belongs to and the seq of its one event; a create makes the call. */
function eventOf(req: IncomingMessage): { callId: string; seq: number; created: boolean } | null {
  const url = req.url ?? '';
  if (req.method === 'POST' && url === '/v1/calls') {
    return { callId: randomUUID(), seq: 1, created: true };
  }
  const callId = CALL_PATH.exec(url)?.[1];
  const last = callId === undefined ? undefined : lastSeqs.get(callId);
  if (callId === undefined || last === undefined) return null;
  return { callId, seq: last + 1, created: false };
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': text.length });
  res.end(text);
}

function relay(target: URL, out: Pool) {
  const path = target.pathname;
  return (req: IncomingMessage, res: ServerResponse) => {
    req.resume(); // the command's own body is not needed: the event is always the same shape
    req.on('end', async () => {
      stats.commands++;
      const event = eventOf(req);
      if (!event) {
        answer(res, 404, { error: { code: 'call_not_found', message: `no call in ${req.url}` } });
        return;
      }
      const { callId, seq } = event;
      lastSeqs.set(callId, seq);
      try {
        const sent = await out.request({
          method: 'POST',
          path,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'callhook-bench-relay',
            'webhook-id': randomUUID(),
            'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
            'webhook-signature': PLACEHOLDER_SIGNATURE,
            'callhook-event-type': 'call.user.invited',
            'callhook-call-id': callId,
            'callhook-seq': String(seq),
            'callhook-attempt': '1',
            'callhook-previous-seq': String(seq - 1),
          },
          body: eventSizedBody(callId),
        });
        await sent.body.dump();
        if (sent.statusCode < 200 || sent.statusCode > 299) {
          throw new Error(`receiver answered ${sent.statusCode}`);
        }
      } catch (error) {
        stats.failed++;
        answer(res, 502, { error: { code: 'relay_failed', message: (error as Error).message } });
        return;
      }
      answer(res, event.created ? 201 : 200, { callId, lastSeq: seq });
    });
  };
}

const handlers = {
  /** Listens on 127.0.0.1 (any port) and forwards to `target` over `connections` sockets. */
  async listen(args: { target: string; connections: number }) {
    if (server) throw new Error('already listening');
    const target = new URL(args.target);
    pool = new Pool(target.origin, { connections: args.connections, keepAliveTimeout: 30_000 });
    const s = createServer({ keepAliveTimeout: 30_000 }, relay(target, pool));
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(0, '127.0.0.1', resolve);
    });
    server = s;
    return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}` };
  },
  stats: () => stats,
  async close() {
    const s = server;
    server = undefined;
    if (s) {
      const closed = new Promise((resolve) => s.close(resolve));
      s.closeAllConnections();
      await closed;
    }
    await pool?.close();
    pool = undefined;
    lastSeqs = new Map();
    stats = { commands: 0, failed: 0 };
  },
};

export type RelayHandlers = typeof handlers;

serveRequests(handlers);
