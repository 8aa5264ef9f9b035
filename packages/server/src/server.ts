import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { apiKeyVerifier } from './auth/api-key.ts';
import { type Clock, SystemClock } from './clock.ts';
import type { EngineConfig } from './engine/call-state.ts';
import { buildApp } from './http/app.ts';
import { CallService } from './service/call-service.ts';
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
  logger?: FastifyServerOptions['logger'];
}

export interface RunningServer {
  url: string;
  databasePath: string;
  app: FastifyInstance;
  store: SqliteStore;
  service: CallService;
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
  const store = openSqliteStore({ path: databasePath, durability: config.durability });
  const service = new CallService({ store, clock, config: config.engine });
  try {
    await service.start();
    const app = await buildApp({
      service,
      store,
      clock,
      auth: apiKeyVerifier(config.apiKeyHash),
      version: VERSION,
      ...(config.logger !== undefined && { logger: config.logger }),
    });
    const url = await app.listen({ host: config.host, port: config.port });
    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= (async () => {
        service.stop();
        await app.close();
        await store.close();
      })();
      return closing;
    };
    return { url, databasePath, app, store, service, close };
  } catch (err) {
    service.stop();
    await store.close();
    throw err;
  }
}
