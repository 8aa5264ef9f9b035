import pg from 'pg';
import { CallhookError } from '../../errors.ts';
import { STORE_RETRY_AFTER_SECONDS } from '../store-unavailable.ts';

// Connections to PostgreSQL: one pool per store, bigints read as numbers (every bigint column
// holds epoch milliseconds, positions or counts, all far below 2^53), and transactions that
// are retried when PostgreSQL aborts them for a deadlock or a serialization failure, and
// reported as `unavailable` (HTTP 503) when the server cannot be reached.

const INT8_OID = 20;
const NUMERIC_OID = 1700;

const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export interface PgPoolOptions {
  /** `postgres://user:password@host:port/database`. */
  url: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Longest a statement may run, in ms (default 30 s); 0 for no limit. */
  statementTimeoutMs?: number;
  /** `application_name` of the connections, as pg_stat_activity shows it. */
  applicationName?: string;
  /** Keep callhook's tables in this schema (created if missing) instead of `public`. */
  schema?: string;
}

/** A schema name callhook accepts: a plain lower-case identifier, never quoted. */
export function checkSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new CallhookError(
      'validation_error',
      `schema must be a lower-case identifier (a-z, 0-9, _), got ${JSON.stringify(schema)}`,
      { schema },
    );
  }
  return schema;
}

/**
 * Session settings of every connection. `plan_cache_mode=force_custom_plan`: a statement is
 * prepared once per connection (named queries: parsed once), but planned at each execution.
 * A generic plan is fixed after a statement's fifth run; made while the outbox was nearly
 * empty it reads the whole table once it is large (a lane lookup took ~90 ms), and nothing
 * makes it plan again until autovacuum's next ANALYZE.
 */
function sessionOptions(options: PgPoolOptions): { options: string } {
  const settings = ['-c plan_cache_mode=force_custom_plan'];
  if (options.schema !== undefined) {
    settings.push(`-c search_path=${checkSchemaName(options.schema)}`);
  }
  return { options: settings.join(' ') };
}

/** Statements sent on a pool's connections since it was made (each is one round trip). */
export interface StatementCount {
  n: number;
}

export function createPool(options: PgPoolOptions, statements?: StatementCount): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    types: TYPES,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    application_name: options.applicationName ?? 'callhook',
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    ...sessionOptions(options),
  });
  // An idle connection that breaks (the server restarted) is dropped by the pool; without a
  // listener its error would end the process.
  pool.on('error', () => {});
  // …and so would a connection that breaks while checked out: its query rejects, which is
  // where the failure is handled (asStoreError).
  pool.on('connect', (client) => {
    client.on('error', () => {});
    if (statements) countStatements(client, statements);
  });
  return pool;
}

function countStatements(client: pg.PoolClient, statements: StatementCount): void {
  const send = client.query as (...args: unknown[]) => unknown;
  client.query = function (this: pg.PoolClient, ...args: unknown[]) {
    statements.n++;
    return send.apply(this, args);
  } as typeof client.query;
}

export function createClient(options: PgPoolOptions): pg.Client {
  return new pg.Client({
    connectionString: options.url,
    types: TYPES,
    application_name: options.applicationName ?? 'callhook',
    connectionTimeoutMillis: 10_000,
    ...sessionOptions(options),
  });
}

/** SQLSTATEs after which the same transaction, run again, may well succeed. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_TRIES = 5;

/**
 * Runs `work` in one transaction on a pooled connection: COMMIT if it returns, ROLLBACK if it
 * throws. Deadlocks and serialization failures are retried (the whole of `work` runs again,
 * so it must not have effects outside the transaction until it returns).
 */
export async function inTransaction<R>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<R>,
): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    const client = await connect(pool);
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection is gone: it must not go back to the pool
      }
      if (attempt < MAX_TRIES && RETRYABLE.has(sqlState(error) ?? '')) continue;
      throw asStoreError(error);
    } finally {
      client.release(broken);
    }
  }
}

/** One statement outside a transaction. */
export async function query<R extends pg.QueryResultRow>(
  pool: pg.Pool,
  text: string,
  values?: unknown[],
): Promise<R[]> {
  try {
    return (await pool.query<R>(text, values)).rows;
  } catch (error) {
    throw asStoreError(error);
  }
}

async function connect(pool: pg.Pool): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (error) {
    throw asStoreError(error);
  }
}

export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Errors that say the database is out of reach — refused or broken connections, a server
 * shutting down, a timeout — become `unavailable` (503: try again); the rest pass as they are.
 */
export function asStoreError(error: unknown): unknown {
  if (error instanceof CallhookError) return error;
  const code = sqlState(error) ?? '';
  const connection =
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(
      code,
    ) ||
    code.startsWith('08') || // connection exception
    code === '57P01' || // admin_shutdown
    code === '57P02' || // crash_shutdown
    code === '57P03' || // cannot_connect_now
    code === '53300' || // too_many_connections
    code === '57014' || // query_canceled (statement timeout)
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      (error as Error | null)?.message ?? '',
    );
  if (!connection) return error;
  return new DatabaseUnreachableError((error as Error).message);
}

/** 503 `unavailable`, with Retry-After as for a full disk on SQLite (store-unavailable.ts). */
export class DatabaseUnreachableError extends CallhookError {
  /** Seconds the client should wait before trying again (sent as Retry-After). */
  readonly retryAfterSeconds = STORE_RETRY_AFTER_SECONDS;

  constructor(cause: string) {
    super('unavailable', 'the database is not reachable; try again shortly', { cause });
    this.name = 'DatabaseUnreachableError';
  }
}
