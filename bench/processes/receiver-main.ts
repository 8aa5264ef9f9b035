import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from '@callhook/sdk';
import type { Arrivals } from '../lib/e2e-latency.ts';
import { monotonicMs } from '../lib/monotonic-clock.ts';
import { serveRequests } from './child-rpc.ts';

// The webhook receiver of the bench, in its own process (its own event loop and core time).
// 'noop': answers 204 and does nothing else — the ceiling. 'verify': checks every Standard
// Webhooks signature with the SDK, dedupes on webhook-id, and records each event's arrival
// on the shared monotonic clock for end-to-end latency. 'record': the same without the
// signature check (the relay of scenario 8 signs nothing): parses the body, dedupes, records.

export type ReceiverMode = 'noop' | 'verify' | 'record';

export interface ReceiverStats {
  /** Requests answered 2xx with a new event (noop: every request). */
  received: number;
  /** Requests whose signature or body did not verify (answered 400). */
  invalid: number;
  /** Events that arrived again (same webhook-id; answered 204). */
  duplicates: number;
  firstAtMs: number | null;
  lastAtMs: number | null;
}

let server: Server | undefined;
let webhook: Webhook | undefined;
let stats: ReceiverStats = emptyStats();
let seen = new Set<string>();
let arrivals: Arrivals = { callIds: [], seqs: [], atMs: [] };
let waiters: { count: number; resolve: () => void }[] = [];

function emptyStats(): ReceiverStats {
  return { received: 0, invalid: 0, duplicates: 0, firstAtMs: null, lastAtMs: null };
}

function arrived(at: number): void {
  stats.received++;
  stats.firstAtMs ??= at;
  stats.lastAtMs = at;
  if (waiters.length > 0) {
    const done = waiters.filter((w) => stats.received >= w.count);
    waiters = waiters.filter((w) => stats.received < w.count);
    for (const w of done) w.resolve();
  }
}

function noop(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  req.on('end', () => {
    arrived(monotonicMs());
    res.writeHead(204).end();
  });
}

function verify(req: IncomingMessage, res: ServerResponse): void {
  readBody(req, (body, at) => {
    if (!webhook) {
      res.writeHead(503).end();
      return;
    }
    try {
      accept(req, webhook.verify(body, req.headers).callId, at);
      res.writeHead(204).end();
    } catch {
      stats.invalid++;
      res.writeHead(400).end();
    }
  });
}

function record(req: IncomingMessage, res: ServerResponse): void {
  readBody(req, (body, at) => {
    try {
      accept(req, (JSON.parse(body.toString('utf8')) as { callId: string }).callId, at);
      res.writeHead(204).end();
    } catch {
      stats.invalid++;
      res.writeHead(400).end();
    }
  });
}

function readBody(req: IncomingMessage, then: (body: Buffer, atMs: number) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const at = monotonicMs();
    then(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), at);
  });
}

/** Counts an event once (webhook-id) and records its arrival. */
function accept(req: IncomingMessage, callId: string, at: number): void {
  const id = req.headers['webhook-id'] as string;
  if (seen.has(id)) {
    stats.duplicates++;
    return;
  }
  seen.add(id);
  arrivals.callIds.push(callId);
  arrivals.seqs.push(Number(req.headers['callhook-seq']));
  arrivals.atMs.push(at);
  arrived(at);
}

const MODES = { noop, verify, record } as const;

const handlers = {
  /** Listens on 127.0.0.1 (the given port, to come back "up" where it was; else any). */
  async listen(args: { mode: ReceiverMode; secret?: string; port?: number }) {
    if (server) throw new Error('already listening');
    webhook = args.secret === undefined ? undefined : new Webhook(args.secret);
    const s = createServer({ keepAliveTimeout: 30_000 }, MODES[args.mode]);
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(args.port ?? 0, '127.0.0.1', resolve);
    });
    server = s;
    return { port: (s.address() as AddressInfo).port };
  },
  /** The endpoint's secret, once the server has made it (until then, verify answers 503). */
  useSecret(args: { secret: string }) {
    webhook = new Webhook(args.secret);
  },
  /** Goes "down": refuses new connections and drops open ones. */
  async close() {
    const s = server;
    server = undefined;
    if (!s) return;
    const closed = new Promise((resolve) => s.close(resolve));
    s.closeAllConnections();
    await closed;
  },
  reset() {
    stats = emptyStats();
    seen = new Set();
    arrivals = { callIds: [], seqs: [], atMs: [] };
  },
  stats: () => stats,
  /** Resolves once `count` events have arrived, or after `timeoutMs`; with the stats. */
  async waitFor(args: { count: number; timeoutMs: number }) {
    if (stats.received < args.count) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, args.timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        waiters.push({ count: args.count, resolve: done });
      });
    }
    return stats;
  },
  arrivals: () => arrivals,
};

export type ReceiverHandlers = typeof handlers;

serveRequests(handlers);
