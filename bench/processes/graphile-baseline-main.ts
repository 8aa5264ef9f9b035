import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateSecret } from '@callhook/sdk';
import { Logger, makeWorkerUtils, run } from 'graphile-worker';
import { Agent, request } from 'undici';
import type { buildDeliveryHeaders as BuildHeaders } from '../../packages/server/src/delivery/delivery-headers.ts';
import type { startServer as StartServer } from '../../packages/server/src/server.ts';
import { serveRequests } from './child-rpc.ts';
import type { ServerFrom } from './server-process.ts';

// The PostgreSQL baseline: what a team on PostgreSQL would build without callhook. The same
// control API and event log (callhook's own, on PostgreSQL, so only delivery differs), then a
// graphile-worker job per committed event, and a graphile-worker task that POSTs it with undici,
// signed exactly as callhook signs. One process, like one callhook node.
//
// It does less than callhook: the job is added after the command's transaction (a crash in
// between loses the event), and jobs of one call run concurrently (no per-call order).

const ROOT = join(import.meta.dirname, '../../');
let stopAll: (() => Promise<void>) | undefined;
/** graphile-worker logs every job by default; the bench prints only its own lines. */
const quiet = new Logger(() => () => {});

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

interface Job {
  id: string;
  type: string;
  callId: string;
  seq: number;
  body: string;
}

const handlers = {
  async start(args: {
    from: ServerFrom;
    dataDir: string;
    apiKey: string;
    receiverUrl: string;
    databaseUrl: string;
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
      database: { url: args.databaseUrl, poolSize: 10 },
      console: false,
      logger: { level: 'error' },
    });
    const secret = generateSecret();
    const agent = new Agent({ connections: args.workerConcurrency, keepAliveTimeout: 30_000 });
    const runner = await run({
      connectionString: args.databaseUrl,
      concurrency: args.workerConcurrency,
      noHandleSignals: true,
      pollInterval: 1000,
      logger: quiet,
      taskList: {
        deliver: async (payload, helpers) => {
          const data = payload as Job;
          const headers = lib.buildDeliveryHeaders({
            delivery: {
              eventId: data.id,
              eventType: data.type as never,
              callId: data.callId,
              seq: data.seq,
              previousSeq: data.seq - 1,
            },
            attempt: helpers.job.attempts,
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
          if (res.statusCode < 200 || res.statusCode > 299) {
            throw new Error(`receiver answered ${res.statusCode}`);
          }
        },
      },
    });
    const utils = await makeWorkerUtils({ connectionString: args.databaseUrl, logger: quiet });
    // "After commit, add a job": one per event, as the graphile-worker docs show it.
    const unsubscribe = server.service.bus.subscribe((events) => {
      for (const e of events) {
        const job: Job = {
          id: e.id,
          type: e.type,
          callId: e.callId,
          seq: e.seq,
          body: JSON.stringify(e.payload),
        };
        utils
          .addJob('deliver', job, { maxAttempts: 10 })
          .catch((error: unknown) => console.error('graphile baseline: addJob failed', error));
      }
    });
    stopAll = async () => {
      unsubscribe();
      await runner.stop();
      await utils.release();
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

export type GraphileBaselineHandlers = typeof handlers;

serveRequests(handlers);
