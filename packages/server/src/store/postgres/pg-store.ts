import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { PgApiKeyStore } from './pg-api-keys.ts';
import { PgCallStore } from './pg-call-store.ts';
import { PgChangeFeed } from './pg-change-feed.ts';
import {
  checkSchemaName,
  createPool,
  type PgPoolOptions,
  query,
  type StatementCount,
} from './pg-connection.ts';
import { PgDeliveryStore } from './pg-delivery-store.ts';
import { PgEndpointCache } from './pg-endpoint-cache.ts';
import { PgEndpointOwners } from './pg-endpoint-owners.ts';
import { migratePg, type PgMigrationResult } from './pg-migrate.ts';
import { PgRetention } from './pg-retention.ts';
import { PgSipDirectory } from './pg-sip-directory.ts';

// The PostgreSQL adapter of the storage port: one pool, the schema migrated at open (under an
// advisory lock, so nodes starting together take turns), and a change feed that hears every
// node. Several callhook processes may open the same database at once.

export interface PgStoreOptions extends PgPoolOptions {
  /** Bound on how late another node's change is noticed when a NOTIFY is lost (default 1 s). */
  changePollMs?: number;
  /**
   * This node's name among the nodes sharing the database, under which it owns endpoints
   * (pg-endpoint-owners.ts); the same across restarts lets a node take its own back at once.
   * Default: a new random one.
   */
  nodeId?: string;
}

export interface PgStore {
  readonly calls: PgCallStore;
  readonly deliveries: PgDeliveryStore;
  readonly changes: PgChangeFeed;
  readonly keys: PgApiKeyStore;
  readonly sip: PgSipDirectory;
  readonly retention: PgRetention;
  readonly backlog: PgRetention;
  readonly migration: PgMigrationResult;
  /** What the server's settings get wrong for callhook (today: autovacuum off). */
  readonly warnings: readonly string[];
  /** Statements sent to PostgreSQL on the pool's connections since the store opened. */
  statements(): number;
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

/** What the server's settings get wrong for callhook, as lines for the operator. */
async function serverWarnings(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ autovacuum: string }>('SHOW autovacuum');
  return rows[0]?.autovacuum === 'off'
    ? [
        'PostgreSQL has autovacuum off: every delivery row is updated as it is sent, so the ' +
          'tables grow without bound and plans go stale; turn it on (docs/postgres.md)',
      ]
    : [];
}

export async function openPgStore(options: PgStoreOptions): Promise<PgStore> {
  const statements: StatementCount = { n: 0 };
  const pool = createPool(options, statements);
  try {
    const client = await pool.connect();
    let migration: PgMigrationResult;
    let warnings: string[];
    try {
      if (options.schema !== undefined) {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${checkSchemaName(options.schema)}`);
      }
      migration = await migratePg(client);
      warnings = await serverWarnings(client);
    } finally {
      client.release();
    }
    const cache = new PgEndpointCache();
    const changes = new PgChangeFeed({
      ...options,
      ...(options.changePollMs !== undefined && { pollMs: options.changePollMs }),
      lastPosition: async () =>
        (await query<{ p: number }>(pool, 'SELECT COALESCE(MAX(position), 0) AS p FROM events'))[0]!
          .p,
    });
    await changes.start();
    // Another node's endpoint write: the claim's list of endpoints is read again at its next
    // turn (a command batch checks the generation itself, under the append lock).
    changes.subscribe((notice) => {
      if (notice.endpoints && notice.fromAnotherNode) cache.invalidate();
    });
    const calls = new PgCallStore(pool, cache, changes);
    const owners = new PgEndpointOwners(options.nodeId ?? randomUUID());
    const deliveries = new PgDeliveryStore(pool, cache, changes, owners);
    const retention = new PgRetention(pool);
    let closing: Promise<void> | undefined;
    return {
      calls,
      deliveries,
      changes,
      keys: new PgApiKeyStore(pool),
      sip: new PgSipDirectory(pool),
      retention,
      backlog: retention,
      migration,
      warnings,
      statements: () => statements.n,
      pool,
      close: () => {
        closing ??= (async () => {
          await calls.close();
          // Best effort: if the database is gone, the leases lapse instead.
          await deliveries.releaseOwnership().catch(() => {});
          await changes.close();
          await pool.end();
        })();
        return closing;
      },
    };
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
}

/** `postgres://user:***@host/db`: a URL for logs and banners, without its password. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}
