import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { apiKeyVerifier } from './auth/api-key.ts';
import { type Clock, SystemClock } from './clock.ts';
import { Dispatcher } from './delivery/dispatcher.ts';
import { TargetPolicy } from './delivery/target-policy.ts';
import { WebhookSender } from './delivery/webhook-sender.ts';
import { WorkerSender } from './delivery/worker-sender.ts';
import type { EngineConfig } from './engine/call-state.ts';
import { buildApp } from './http/app.ts';
import { CallService } from './service/call-service.ts';
import { EndpointService } from './service/endpoint-service.ts';
import { IdempotencyPruner } from './service/idempotency-pruner.ts';
import { openSqliteStore, type SqliteStore } from './store/sqlite/sqlite-store.ts';
import { VERSION } from './version.ts';

export interface ServerConfig {
  host: string;
  port: number;
  /** Directory holding the SQLite database and the API key hash. */
  dataDir: string;
  /** 'default': a 2xx survives kill -9; 'strict': also an OS crash (fsync at commit). */
  durability: 'default' | 'strict';
  engine: EngineConfig;
  /** SHA-256 (hex) of the admin API key. */
  apiKeyHash: string;
  delivery?: DeliveryConfig;
  logger?: FastifyServerOptions['logger'];
}

/** Webhook delivery settings (CONTRACT.md §4); every field has the contract's default. */
export interface DeliveryConfig {
  /** Delay before each attempt, in ms (default: at once, 5 s, 5 min, … 24 h). */
  retryScheduleMs?: readonly number[];
  /** Allow endpoints on loopback/private/link-local addresses (local development). */
  allowPrivateTargets?: boolean;
  /** CIDRs allowed even though they are not public. */
  allowTargets?: readonly string[];
  /** Attempts in flight at once, over all endpoints (default 256). */
  maxInFlight?: number;
  /** Attempts in flight at once to one endpoint (default 16). */
  maxPerEndpoint?: number;
  /** Deadline of one attempt (default 15 s). */
  attemptTimeoutMs?: number;
  /**
   * Make the webhook POSTs in a worker thread, off the event loop that serves the API and
   * writes the database (default false). On the 2-core bench machine it delivered no more
   * events/s than the main thread (bench/README.md), so it is for machines with cores to spare.
   */
  senderThread?: boolean;
}

export interface RunningServer {
  url: string;
  databasePath: string;
  app: FastifyInstance;
  store: SqliteStore;
  service: CallService;
  dispatcher: Dispatcher;
  /** Graceful stop: refuse new connections, finish in-flight requests, close the database. */
  close(): Promise<void>;
}

export const DATABASE_FILE = 'callhook.db';

/** Opens the store, re-arms every active call, and listens. */
export async function startServer(
  config: ServerConfig,
  deps: { clock?: Clock } = {},
): Promise<RunningServer> {
  const clock = deps.clock ?? new SystemClock();
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const databasePath = join(dataDir, DATABASE_FILE);
  // The app's logger exists only once the store is open; until then nothing can fail.
  let logCheckpointError: ((error: Error) => void) | undefined;
  const store = openSqliteStore({
    path: databasePath,
    durability: config.durability,
    onCheckpointError: (error) => logCheckpointError?.(error),
  });
  const service = new CallService({ store, clock, config: config.engine });
  const delivery = config.delivery ?? {};
  const policy = new TargetPolicy({
    allowPrivateTargets: delivery.allowPrivateTargets ?? false,
    allowTargets: delivery.allowTargets ?? [],
  });
  const maxPerEndpoint = delivery.maxPerEndpoint ?? 16;
  const senderOptions = { version: VERSION, policy, connectionsPerOrigin: maxPerEndpoint };
  const sender =
    (delivery.senderThread ?? false)
      ? new WorkerSender(senderOptions)
      : new WebhookSender(senderOptions);
  const pruner = new IdempotencyPruner(store, clock);
  let dispatcher: Dispatcher | undefined;
  try {
    await service.start();
    dispatcher = new Dispatcher({
      store: store.deliveries,
      sender,
      clock,
      bus: service.bus,
      maxPerEndpoint,
      ...(delivery.retryScheduleMs && { schedule: delivery.retryScheduleMs }),
      ...(delivery.maxInFlight && { maxInFlight: delivery.maxInFlight }),
      ...(delivery.attemptTimeoutMs && { attemptTimeoutMs: delivery.attemptTimeoutMs }),
      onError: (err) => app.log.error({ err }, 'delivery store error; retrying'),
    });
    const wake = dispatcher.wake.bind(dispatcher);
    const endpoints = new EndpointService({
      store: store.deliveries,
      clock,
      policy,
      onChange: wake,
    });
    const app = await buildApp({
      service,
      store,
      endpoints,
      clock,
      auth: apiKeyVerifier(config.apiKeyHash),
      version: VERSION,
      ...(config.logger !== undefined && { logger: config.logger }),
    });
    logCheckpointError = (err) =>
      app.log.error({ err }, 'background WAL checkpoints stopped; checkpointing in commits');
    await dispatcher.start();
    pruner.start();
    const url = await app.listen({ host: config.host, port: config.port });
    const running = dispatcher;
    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= (async () => {
        pruner.stop();
        service.stop();
        await app.close();
        await running.stop();
        await sender.close();
        await store.close();
      })();
      return closing;
    };
    return { url, databasePath, app, store, service, dispatcher: running, close };
  } catch (err) {
    pruner.stop();
    service.stop();
    await dispatcher?.stop();
    await sender.close();
    await store.close();
    throw err;
  }
}
