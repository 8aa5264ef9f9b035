import type Database from 'better-sqlite3';
import { StoreError } from '../store-error.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations.ts';
import {
  CREATE_SCHEMA_MIGRATIONS,
  INSERT_SCHEMA_MIGRATION,
  SELECT_APPLIED_VERSIONS,
  SELECT_SCHEMA_VERSION,
} from './sql.ts';

export interface MigrationResult {
  /** Schema version found at open (0 for a new database). */
  from: number;
  /** Schema version after open. */
  to: number;
}

/**
 * Brings the schema up to date in one IMMEDIATE transaction: every pending migration is
 * applied, or none. Refuses a database whose schema is newer than this code, rather than
 * writing to tables it does not understand.
 */
export function migrate(db: Database.Database): MigrationResult {
  const latest = LATEST_SCHEMA_VERSION;
  const apply = db.transaction((): MigrationResult => {
    db.exec(CREATE_SCHEMA_MIGRATIONS);
    const { version: from } = db.prepare(SELECT_SCHEMA_VERSION).get() as { version: number };
    if (from > latest) {
      throw new StoreError(
        'schema_too_new',
        `The database schema is version ${from}, but this callhook knows only up to version ${latest}. ` +
          'Upgrade callhook, or point it at another database file.',
        { databaseVersion: from, codeVersion: latest },
      );
    }
    const record = db.prepare(INSERT_SCHEMA_MIGRATION);
    // Every known migration not yet applied, not only those above the newest applied: a
    // version added later below an applied one (numbers reserved for work in parallel) still runs.
    const applied = new Set(
      (db.prepare(SELECT_APPLIED_VERSIONS).all() as { version: number }[]).map((r) => r.version),
    );
    const pending = MIGRATIONS.filter((m) => !applied.has(m.version)).sort(
      (a, b) => a.version - b.version,
    );
    for (const m of pending) {
      db.exec(m.sql);
      record.run({ version: m.version, name: m.name, appliedAt: Date.now() });
    }
    return { from, to: Math.max(from, latest) };
  });
  return apply.immediate();
}
