import { randomUUID } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyBaseLogger, FastifyInstance, FastifyServerOptions } from 'fastify';
import { Registry } from 'prom-client';
import { apiKeyVerifier } from './auth/api-key.ts';
import { KeyService } from './auth/key-service.ts';
import { type Clock, SystemClock } from './clock.ts';
import { DATABASE_FILE, NODE_ID_FILE } from './data-dir-files.ts';
import { deliveryLog } from './delivery/delivery-log.ts';
import { observeAll } from './delivery/delivery-observer.ts';
import { Dispatcher } from './delivery/dispatcher.ts';
import { TargetPolicy } from './delivery/target-policy.ts';
import { WebhookSender } from './delivery/webhook-sender.ts';
import { WorkerSender } from './delivery/worker-sender.ts';
import type { EngineConfig } from './engine/call-state.ts';
import { CallhookError } from './errors.ts';
import { buildApp } from './http/app.ts';
import { defaultConsoleDir } from './http/console/console-files.ts';
import { createDeliveryMetrics } from './http/delivery-metrics.ts';
import type { HttpLimits } from './http/http-limits.ts';
import { type MetricsListener, startMetricsListener } from './http/metrics-listener.ts';
import { CallService } from './service/call-service.ts';
import { EndpointService } from './service/endpoint-service.ts';
import { IdempotencyPruner } from './service/idempotency-pruner.ts';
import { DEFAULT_RETENTION_MS, RetentionSweeper } from './service/retention-sweeper.ts';
import { SipAgent } from './sip/sip-agent.ts';
import type { SipConfig } from './sip/sip-config.ts';
import { lockDataDir } from './store/data-dir-lock.ts';
import { openStore, type Store } from './store/open-store.ts';
import type { PgStoreOptions } from './store/postgres/pg-store.ts';
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
  /**
   * Store everything in this PostgreSQL database instead of SQLite under `dataDir` (which then
   * holds only the node id and the API key hash). Several nodes may share one database.
   */
  database?: PgStoreOptions;
  /** Requests per second the bootstrap admin key may make; default: no limit. */
  adminRateLimitPerSecond?: number;
  /** Connection, timeout and event-stream bounds (http/http-limits.ts has the defaults). */
  httpLimits?: Partial<HttpLimits>;
  /** Also serve /metrics, without a key, on this address (Prometheus); default: not. */
  metricsListen?: { host: string; port: number };
  delivery?: DeliveryConfig;
  /** Keep events, deliveries and idempotency records this long (ms); 0: forever. Default 30 d. */
  retentionMs?: number;
  /**
   * The web console at /console/ (default: on, with the `@callhook/console` build); `false`
   * turns it off, `{ dir }` serves a build from elsewhere.
   */
  console?: false | { dir?: string };
  /** The SIP front end (docs/sip.md); off when absent. */
  sip?: SipConfig;
  logger?: FastifyServerOptions['logger'];
}

/** Webhook delivery settings (docs/contract.md §4); every field has the contract's default. */
export interface DeliveryConfig {
  /** Delay before each attempt, in ms (default: at once, 5 s, 5 min, … 24 h). */
  retryScheduleMs?: readonly number[];
  /** Allow endpoints on loopback/private/link-local addresses (local development). */
  allowPrivateTargets?: boolean;
  /** CIDRs allowed even though they are not public. */
  allowTargets?: readonly string[];
  /**
   * The most deliveries one dispatcher turn claims, over all endpoints (default 256): a bound
   * on a turn's memory, not on attempts in flight, which are bounded per endpoint only, so
   * that hanging endpoints cannot use up a budget the others need (`DispatcherOptions`).
   */
  claimLimit?: number;
  /** Attempts in flight at once to one endpoint (default 16): all one endpoint can hold. */
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
  store: Store;
  service: CallService;
  dispatcher: Dispatcher;
  /** The SIP user agent, when `config.sip` is set. */
  sip: SipAgent | undefined;
  /** This node's id (`<dataDir>/node-id`): the owner of its delivery leases. */
  nodeId: string;
  /** `http://host:port/metrics` of the keyless metrics listener, when `metricsListen` is set. */
  metricsUrl: string | undefined;
  /** Graceful stop: refuse new connections, finish in-flight requests, close the database. */
  close(): Promise<void>;
}

export { DATABASE_FILE, NODE_ID_FILE };

/** Opens the store, re-arms every active call, and listens. */
export async function startServer(
  config: ServerConfig,
  deps: { clock?: Clock } = {},
): Promise<RunningServer> {
  const clock = deps.clock ?? new SystemClock();
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 }); // it holds secrets (file-modes.ts)
  const databasePath = join(dataDir, DATABASE_FILE);
  const dirLock = lockDataDir(dataDir);
  const nodeId = readOrCreateNodeId(dataDir);
  // The app's logger exists only once the store is open; until then these go nowhere.
  let log: FastifyBaseLogger | undefined;
  let store: Store;
  try {
    store = await openStore(
      config.database
        ? { kind: 'postgres', nodeId, ...config.database }
        : {
            kind: 'sqlite',
            path: databasePath,
            durability: config.durability,
            onCheckpointError: (err) =>
              log?.error({ err }, 'background WAL checkpoints stopped; checkpointing in commits'),
            onCheckpointFailing: (err) =>
              err
                ? log?.error({ err }, 'WAL checkpoints failing (disk full?); retrying every 200 ms')
                : log?.warn('WAL checkpoints work again'),
            onWriteFault: (fault) =>
              fault
                ? log?.error({ fault }, `database writes failing (${fault.reason}): answering 503`)
                : log?.warn('database writes work again'),
            onQuarantined: (row) =>
              log?.error(
                { quarantined: row },
                `stored ${row.table} row ${row.key} cannot be read (${row.reason}): quarantined`,
              ),
          },
    );
  } catch (error) {
    dirLock.release();
    throw error;
  }
  const service = new CallService({
    store: store.calls,
    clock,
    config: config.engine,
    owner: nodeId,
    onDeadlineError: (err) => log?.error({ err }, 'auto-end deadlines: store error; retrying'),
  });
  const delivery = config.delivery ?? {};
  const policy = new TargetPolicy({
    allowPrivateTargets: delivery.allowPrivateTargets ?? false,
    allowTargets: delivery.allowTargets ?? [],
  });
  const maxPerEndpoint = delivery.maxPerEndpoint ?? 16;
  const senderOptions = { version: VERSION, policy };
  const sender =
    (delivery.senderThread ?? false)
      ? new WorkerSender(senderOptions)
      : new WebhookSender(senderOptions);
  const pruner = new IdempotencyPruner(store.calls, clock, (err) =>
    log?.error({ err }, 'pruning idempotency keys failed; trying again in an hour'),
  );
  const retention = new RetentionSweeper({
    store: store.retention,
    clock,
    windowMs: config.retentionMs ?? DEFAULT_RETENTION_MS,
    onError: (err) => log?.error({ err }, 'retention sweep failed; trying again at the next'),
    onSwept: (removed) => {
      if (removed.events + removed.idempotencyRecords > 0) log?.info({ removed }, 'retention');
    },
  });
  let dispatcher: Dispatcher | undefined;
  let sip: SipAgent | undefined;
  try {
    await service.start();
    const registry = new Registry();
    const deliveryMetrics = createDeliveryMetrics({
      registry,
      backlog: store.backlog,
      clock,
      stats: () => dispatcher?.stats(),
      ...(store.ownedEndpoints && { ownedEndpoints: store.ownedEndpoints }),
      ...(store.statements && { statements: store.statements }),
    });
    dispatcher = new Dispatcher({
      store: store.deliveries,
      owner: nodeId,
      sender,
      clock,
      changes: store.changes,
      maxPerEndpoint,
      ...(delivery.retryScheduleMs && { schedule: delivery.retryScheduleMs }),
      ...(delivery.claimLimit && { claimLimit: delivery.claimLimit }),
      ...(delivery.attemptTimeoutMs && { attemptTimeoutMs: delivery.attemptTimeoutMs }),
      onError: (err) => log?.error({ err }, 'delivery store error; retrying'),
      observer: observeAll(
        deliveryLog(() => log),
        deliveryMetrics,
      ),
    });
    // Endpoint changes wake the dispatcher through the store's change feed.
    const endpoints = new EndpointService({ store: store.deliveries, clock, policy });
    const keys = new KeyService({
      store: store.keys,
      clock,
      bootstrap: apiKeyVerifier(config.apiKeyHash),
      bootstrapRateLimitPerSecond: config.adminRateLimitPerSecond ?? null,
    });
    const app = await buildApp({
      service,
      store: store.calls,
      changes: store.changes,
      endpoints,
      clock,
      auth: keys,
      keys,
      metricsRegistry: registry,
      ...(config.httpLimits && { limits: config.httpLimits }),
      version: VERSION,
      ...(config.console !== false && {
        console: { dir: config.console?.dir ?? defaultConsoleDir() },
      }),
      ...(config.sip && { sipRooms: store.sip }),
      ...(store.quarantine && { quarantine: store.quarantine }),
      ...(config.logger !== undefined && { logger: config.logger }),
    });
    log = app.log;
    // What the integrity check at open and the start (re-arming calls) found unreadable.
    const found = await store.quarantine?.summary();
    if (found && found.integrityProblems.length > 0) {
      log.error(
        { integrityProblems: found.integrityProblems },
        'the database fails its integrity check: back it up, then restore from a good backup (docs/operations.md)',
      );
    }
    if (found && found.rows > 0) {
      log.error({ quarantinedRows: found.rows }, 'stored rows that cannot be read are quarantined');
    }
    await dispatcher.start();
    pruner.start();
    retention.start();
    if (config.sip) {
      sip = new SipAgent({
        listen: config.sip.listen,
        service,
        directory: store.sip,
        events: store.calls,
        changes: store.changes,
        clock,
        ...(config.sip.ringMs !== undefined && { ringMs: config.sip.ringMs }),
        ...(config.sip.invitesPerSecond !== undefined && {
          invitesPerSecond: config.sip.invitesPerSecond,
        }),
        log: app.log,
      });
      await sip.start();
    }
    const url = await app.listen({ host: config.host, port: config.port });
    let metrics: MetricsListener | undefined;
    try {
      if (config.metricsListen)
        metrics = await startMetricsListener({ ...config.metricsListen, registry });
    } catch (error) {
      await app.close();
      throw error;
    }
    const running = dispatcher;
    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= (async () => {
        pruner.stop();
        service.stop();
        await retention.stop();
        await sip?.close();
        await metrics?.close();
        await app.close();
        await running.stop();
        await sender.close();
        await store.close();
        dirLock.release();
      })();
      return closing;
    };
    return {
      url,
      databasePath,
      app,
      store,
      service,
      dispatcher: running,
      sip,
      nodeId,
      metricsUrl: metrics?.url,
      close,
    };
  } catch (err) {
    pruner.stop();
    service.stop();
    await retention.stop();
    await sip?.close();
    await dispatcher?.stop();
    await sender.close();
    await store.close();
    dirLock.release();
    throw err;
  }
}

/**
 * The node's id, the same across restarts of one data directory (a restarted node frees its
 * own in-flight leases at once) and different between nodes: `node_` + a random UUID, made at
 * first start. Written to a temporary file and linked into place, so a crash never leaves a
 * half-written id and two processes starting at once agree on one.
 */
export function readOrCreateNodeId(dataDir: string): string {
  const file = join(dataDir, NODE_ID_FILE);
  if (!existsSync(file)) {
    const made = `node_${randomUUID()}`;
    const temporary = `${file}.${made}.tmp`;
    writeFileSync(temporary, `${made}\n`, { mode: 0o600 });
    try {
      linkSync(temporary, file); // fails if another process linked its own first
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(temporary);
    }
  }
  const id = readFileSync(file, 'utf8').trim();
  if (!/^node_[0-9a-f-]{36}$/.test(id)) {
    throw new CallhookError(
      'internal',
      `${file} does not hold a node id (node_<uuid>); delete it to have a new one made`,
      { file },
    );
  }
  return id;
}
