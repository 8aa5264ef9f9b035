import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import type { TestContext } from 'node:test';
import pg from 'pg';

// Real PostgreSQL for tests: the machine's server on 127.0.0.1:5432 (trust auth, user
// postgres), started here if it is down — never assumed to have been started by hand. Each
// test file gets a database of its own and each test a fresh schema in it (freshSchema), or a
// whole database for tests of several processes (freshDatabase); both are dropped afterwards.

export const PG_ADMIN_URL =
  process.env.CALLHOOK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let ready: Promise<void> | undefined;

/** Connects to the server, starting the machine's cluster first if nothing answers. */
export function ensurePostgres(): Promise<void> {
  ready ??= (async () => {
    if (await answers()) return;
    const versions = readdirSync('/etc/postgresql');
    for (const version of versions) {
      try {
        execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], {
          stdio: 'inherit',
        });
      } catch {
        // Exit 2: it is running already, and was only slow to answer (a loaded machine); the
        // wait below decides.
      }
    }
    for (let i = 0; i < 50; i++) {
      if (await answers()) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`PostgreSQL does not answer at ${PG_ADMIN_URL}, even after starting it`);
  })();
  return ready;
}

async function answers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function admin<R>(work: (client: pg.Client) => Promise<R>): Promise<R> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function databaseUrl(name: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

let fileDatabase: Promise<string> | undefined;

/** One database per test process (a test file), dropped when the process exits. */
function databaseOfThisFile(): Promise<string> {
  fileDatabase ??= (async () => {
    await ensurePostgres();
    const name = `callhook_test_${process.pid}_${randomBytes(3).toString('hex')}`;
    await admin((c) => c.query(`CREATE DATABASE ${name}`));
    process.once('exit', () => {
      try {
        execFileSync(
          'psql',
          [PG_ADMIN_URL, '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`],
          {
            stdio: 'ignore',
          },
        );
      } catch {}
    });
    return name;
  })();
  return fileDatabase;
}

/**
 * A fresh, empty place for one test: a new schema in this test file's database, dropped when
 * the test ends. Open the store with `{ url, schema }`.
 */
export async function freshSchema(t: TestContext): Promise<{ url: string; schema: string }> {
  const url = databaseUrl(await databaseOfThisFile());
  const schema = `t_${randomBytes(6).toString('hex')}`;
  t.after(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
  });
  return { url, schema };
}

/** A fresh, empty database (for tests of several processes), dropped when the test ends. */
export async function freshDatabase(t: TestContext): Promise<string> {
  await ensurePostgres();
  const name = `callhook_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  t.after(() => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)));
  return databaseUrl(name);
}
