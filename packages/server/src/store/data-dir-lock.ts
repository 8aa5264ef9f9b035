import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CallhookError } from '../errors.ts';

// One callhook process per data directory. The directory holds the node's id (the owner of its
// leases) and, by default, the SQLite database: two processes on it would be two writers and
// one node twice. The lock is SQLite's own: an exclusive transaction held open on
// `callhook.lock` for the life of the process. The operating system drops it when the process
// ends, however it ends (kill -9 included), so a crash never leaves a stale lock behind.

export const LOCK_FILE = 'callhook.lock';
export const PID_FILE = 'callhook.pid';

export interface DataDirLock {
  release(): void;
}

export function lockDataDir(dataDir: string): DataDirLock {
  const db = new Database(join(dataDir, LOCK_FILE));
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      let holder = '';
      try {
        holder = ` (pid ${readFileSync(join(dataDir, PID_FILE), 'utf8').trim()})`;
      } catch {}
      throw new CallhookError(
        'conflict',
        `another callhook process${holder} is using the data directory ${dataDir}: stop it, or give this one its own --data (several nodes share a PostgreSQL database, never a data directory)`,
        { dataDir },
      );
    }
    throw error;
  }
  writeFileSync(join(dataDir, PID_FILE), `${process.pid}\n`, { mode: 0o600 });
  return {
    release: () => {
      if (db.open) db.close();
    },
  };
}
