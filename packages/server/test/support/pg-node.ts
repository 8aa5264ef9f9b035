import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { DEFAULT_ENGINE_CONFIG } from '../../src/engine/call-state.ts';
import { type RunningServer, type ServerConfig, startServer } from '../../src/server.ts';
import type { PgStoreOptions } from '../../src/store/postgres/pg-store.ts';

// A callhook node in this process on a PostgreSQL database: a data directory of its own (made
// here, removed after the test), the bootstrap key `key`, no console, no logs. Closed after the
// test unless the test closed it first.

export async function startPgNode(
  t: TestContext,
  key: string,
  database: PgStoreOptions,
  more: Partial<ServerConfig> = {},
): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-pgnode-'));
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir: dir,
    durability: 'default',
    engine: DEFAULT_ENGINE_CONFIG,
    apiKeyHash: createHash('sha256').update(key).digest('hex'),
    database,
    console: false,
    logger: false,
    ...more,
  });
  t.after(async () => {
    await server.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });
  return server;
}
