import type pg from 'pg';
import { StoreError } from '../store-error.ts';
import { PG_LATEST_SCHEMA_VERSION, PG_MIGRATIONS } from './pg-migrations.ts';

// Brings the schema up to date under a session advisory lock, so that nodes starting together
// take turns: the first applies what is pending, the others then find nothing to do. Each
// migration commits with its row in schema_migrations; a schema newer than this code is refused.

/** Advisory lock key of migrations ('callhook' read as a number). */
const MIGRATION_LOCK = 0x63616c6c686f6f6bn;

export interface PgMigrationResult {
  from: number;
  to: number;
}

export async function migratePg(client: pg.ClientBase): Promise<PgMigrationResult> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK.toString()]);
  try {
    await client.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text    NOT NULL,
        applied_at bigint  NOT NULL
      )`);
    const { rows } = await client.query<{ version: number }>(
      'SELECT COALESCE(MAX(version), 0)::integer AS version FROM schema_migrations',
    );
    const from = rows[0]!.version;
    if (from > PG_LATEST_SCHEMA_VERSION) {
      throw new StoreError(
        'schema_too_new',
        `The database schema is version ${from}, but this callhook knows only up to version ${PG_LATEST_SCHEMA_VERSION}. ` +
          'Upgrade callhook on this node (every node sharing a database runs the same or a newer version).',
        { databaseVersion: from, codeVersion: PG_LATEST_SCHEMA_VERSION },
      );
    }
    const pending = PG_MIGRATIONS.filter((m) => m.version > from).sort(
      (a, b) => a.version - b.version,
    );
    for (const m of pending) {
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query(
          'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
          [m.version, m.name, Date.now()],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
    return { from, to: Math.max(from, PG_LATEST_SCHEMA_VERSION) };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK.toString()]);
  }
}
