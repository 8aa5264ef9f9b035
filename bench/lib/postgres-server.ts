import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';

// The machine's PostgreSQL (127.0.0.1:5432, trust auth), started here if it is down, and the
// readings the PostgreSQL bench takes of it: CPU of every postgres process, WAL bytes, commits.

export const PG_ADMIN_URL =
  process.env.CALLHOOK_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function ensurePostgres(log: (line: string) => void): Promise<void> {
  if (await answers()) return;
  log('PostgreSQL is not answering on 127.0.0.1:5432; starting the cluster');
  for (const version of readdirSync('/etc/postgresql')) {
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start']);
  }
  for (let i = 0; i < 50; i++) {
    if (await answers()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('PostgreSQL does not answer on 127.0.0.1:5432, even after starting it');
}

async function answers(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

export async function adminQuery<R extends pg.QueryResultRow>(
  text: string,
  values?: unknown[],
): Promise<R[]> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    return (await c.query<R>(text, values)).rows;
  } finally {
    await c.end();
  }
}

/** A new, empty database; returns its URL and a function that drops it. */
export async function benchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `callhook_bench_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** CPU seconds (user + system) used so far by each pid, from /proc (gone pids are absent). */
export function cpuSeconds(pids: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime are fields 14 and 15 (1-based) of the whole line: 12 and 13 here.
      out.set(pid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {}
  }
  return out;
}

/** Every process whose name is postgres (the server and all its backends). */
export function postgresPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres')
        pids.push(Number(entry));
    } catch {}
  }
  return pids;
}

export interface PgCounters {
  walBytes: number;
  /** Full-page images written to the WAL (pg_stat_wal.wal_fpi). */
  walFpi: number;
  commits: number;
  /** The WAL's flushed position, for walBreakdown (which reads only flushed WAL). */
  lsn: string;
}

export async function pgCounters(database: string): Promise<PgCounters> {
  const [wal] = await adminQuery<{ wal_bytes: string; wal_fpi: string; lsn: string }>(
    'SELECT wal_bytes, wal_fpi, pg_current_wal_flush_lsn()::text AS lsn FROM pg_stat_wal',
  );
  const [db] = await adminQuery<{ xact_commit: string }>(
    'SELECT xact_commit FROM pg_stat_database WHERE datname = $1',
    [database],
  );
  return {
    walBytes: Number(wal?.wal_bytes ?? 0),
    walFpi: Number(wal?.wal_fpi ?? 0),
    commits: Number(db?.xact_commit ?? 0),
    lsn: wal?.lsn ?? '0/0',
  };
}

/** One kind of WAL record between two positions (pg_walinspect's pg_get_wal_stats). */
export interface WalRecordKind {
  /** Resource manager and record type, as "Heap/INSERT". */
  kind: string;
  count: number;
  /** Record bytes, full-page images included. */
  bytes: number;
  /** The part of `bytes` that is full-page images. */
  fpiBytes: number;
}

/**
 * The WAL written between `from` and `to`, by record kind, largest first (the whole cluster:
 * run nothing else meanwhile). Uses pg_walinspect, which ships with PostgreSQL 15.
 */
export async function walBreakdown(from: string, to: string): Promise<WalRecordKind[]> {
  await adminQuery('CREATE EXTENSION IF NOT EXISTS pg_walinspect');
  const rows = await adminQuery<{
    kind: string;
    count: string;
    bytes: string;
    fpi_bytes: string;
  }>(
    `SELECT "resource_manager/record_type" AS kind, count,
       combined_size AS bytes, fpi_size AS fpi_bytes
     FROM pg_get_wal_stats($1::pg_lsn, $2::pg_lsn, true)
     WHERE count > 0 ORDER BY combined_size DESC`,
    [from, to],
  );
  return rows.map((r) => ({
    kind: r.kind,
    count: Number(r.count),
    bytes: Number(r.bytes),
    fpiBytes: Number(r.fpi_bytes),
  }));
}
