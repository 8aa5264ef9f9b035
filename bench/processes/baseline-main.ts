import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateSecret } from '@callhook/sdk';
import { Queue, Worker } from 'bullmq';
import { Agent, request } from 'undici';
import type { buildDeliveryHeaders as BuildHeaders } from '../../packages/server/src/delivery/delivery-headers.ts';
import type { startServer as StartServer } from '../../packages/server/src/server.ts';
import { serveRequests } from './child-rpc.ts';
import type { ServerFrom } from './server-process.ts';

// The baseline: what a team would build without callhook. The same control API and SQLite
// event log (callhook's own, so only delivery differs), and then the common way to send
// webhooks: each committed event becomes a BullMQ job on the local Redis, and a BullMQ worker
// POSTs it with undici, signed exactly as callhook signs (the same header builder). Like
// callhook, it is one process: API, enqueueing and the worker share one event loop.
//
// It does less than callhook: the job is added after the command's transaction (a crash in
// between loses the event), and jobs of one call run concurrently (no per-call order).

const ROOT = join(import.meta.dirname, '../../');
let stopAll: (() => Promise<void>) | undefined;

async function load(from: ServerFrom) {
  const base = from === 'dist' ? 'packages/server/dist' : 'packages/server/src';
  const ext = from === 'dist' ? 'js' : 'ts';
  const url = (path: string) => pathToFileURL(join(ROOT, base, `${path}.${ext}`)).href;
  const server = (await import(url('server'))) as { startServer: typeof StartServer };
  const headers = (await import(url('delivery/delivery-headers'))) as {
    buildDeliveryHeaders: typeof BuildHeaders;
  };
  const engine = (await import(url('engine/call-state'))) as {
    DEFAULT_ENGINE_CONFIG: Parameters<typeof StartServer>[0]['engine'];
  };
  return { ...server, ...headers, ...engine };
}

const handlers = {
  async start(args: {
    from: ServerFrom;
    dataDir: string;
    apiKey: string;
    receiverUrl: string;
    redis: { host: string; port: number };
    queueName: string;
    workerConcurrency: number;
  }) {
    const lib = await load(args.from);
    const server = await lib.startServer({
      host: '127.0.0.1',
      port: 0,
      dataDir: args.dataDir,
      durability: 'default',
      engine: lib.DEFAULT_ENGINE_CONFIG,
      apiKeyHash: createHash('sha256').update(args.apiKey).digest('hex'),
      logger: { level: 'error' },
    });
    const secret = generateSecret();
    const connection = { ...args.redis, maxRetriesPerRequest: null };
    const queue = new Queue(args.queueName, { connection });
    const agent = new Agent({ connections: args.workerConcurrency, keepAliveTimeout: 30_000 });

    // "After commit, enqueue": one job per event, as the tutorials do it.
    const unsubscribe = server.service.bus.subscribe((events) => {
      for (const e of events) {
        const job = {
          id: e.id,
          type: e.type,
          callId: e.callId,
          seq: e.seq,
          body: JSON.stringify(e.payload),
        };
        queue
          .add('deliver', job, {
            attempts: 10,
            backoff: { type: 'exponential', delay: 1000 },
            removeOnComplete: true,
            removeOnFail: 1000,
          })
          .catch((error: unknown) => console.error('baseline: enqueue failed', error));
      }
    });

    const worker = new Worker(
      args.queueName,
      async (job) => {
        const data = job.data as {
          id: string;
          type: string;
          callId: string;
          seq: number;
          body: string;
        };
        const headers = lib.buildDeliveryHeaders({
          delivery: {
            eventId: data.id,
            eventType: data.type as never,
            callId: data.callId,
            seq: data.seq,
            // One endpoint that takes every event: the previous one of the call is seq - 1.
            previousSeq: data.seq - 1,
          },
          attempt: job.attemptsMade + 1,
          body: data.body,
          secrets: [secret],
          now: Date.now(),
        });
        const res = await request(args.receiverUrl, {
          method: 'POST',
          headers,
          body: data.body,
          dispatcher: agent,
        });
        await res.body.dump();
        if (res.statusCode < 200 || res.statusCode > 299)
          throw new Error(`receiver answered ${res.statusCode}`);
      },
      { connection, concurrency: args.workerConcurrency },
    );

    stopAll = async () => {
      unsubscribe();
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await agent.close();
      await server.close();
    };
    return { url: server.url, secret };
  },
  async stop() {
    await stopAll?.();
    stopAll = undefined;
  },
};

export type BaselineHandlers = typeof handlers;

serveRequests(handlers);
