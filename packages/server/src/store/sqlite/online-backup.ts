import { chmodSync, closeSync, existsSync, linkSync, openSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { CallhookError } from '../../errors.ts';
import { DATA_FILE_MODE } from './file-modes.ts';
import * as sql from './sql.ts';

// `callhook backup`: a consistent copy of a database that a running server keeps writing,
// with SQLite's online backup API, from a connection of its own. In WAL mode that connection
// reads a snapshot and never blocks the server's writes. The copy is then checked and only
// then put in place, 0600 like the database itself: it holds the endpoints' secrets.

export interface BackupResult {
  /** Size of the copy in bytes. */
  bytes: number;
  /** Events in the copy's log. */
  events: number;
  /** Schema version of the copy (the server that restores it migrates it forward). */
  schemaVersion: number;
}

/** Pages copied per step after the first: all of them, so that writes cannot restart it for ever. */
const ALL_PAGES = 2 ** 31 - 1;

export async function backupDatabase(source: string, out: string): Promise<BackupResult> {
  if (!existsSync(source)) {
    throw new CallhookError(
      'not_found',
      `no database at ${source}: is --data the right directory?`,
      {
        source,
      },
    );
  }
  if (existsSync(out)) {
    throw new CallhookError('conflict', `${out} exists already; choose a new file name`, { out });
  }
  const partial = `${out}.partial-${process.pid}`;
  // Made 0600 before SQLite writes a byte of it.
  closeSync(openSync(partial, 'wx', DATA_FILE_MODE));
  try {
    const db = new Database(source, { fileMustExist: true });
    try {
      db.pragma(sql.PRAGMA_BUSY_TIMEOUT);
      // Each step copies under one read snapshot; a write by the server between two steps
      // restarts the copy, so after the first step the rest goes in one.
      await db.backup(partial, { progress: () => ALL_PAGES });
    } finally {
      db.close();
    }
    const result = checkCopy(partial);
    chmodSync(partial, DATA_FILE_MODE);
    linkSync(partial, out); // fails rather than overwrite a file made meanwhile
    return { ...result, bytes: statSync(out).size };
  } finally {
    rmSync(partial, { force: true });
    rmSync(`${partial}-wal`, { force: true });
    rmSync(`${partial}-shm`, { force: true });
  }
}

/** Opens the copy on its own and checks it reads back whole. */
function checkCopy(path: string): Omit<BackupResult, 'bytes'> {
  const db = new Database(path, { fileMustExist: true });
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') {
      throw new CallhookError('internal', `the backup copy fails its check: ${String(check)}`, {
        check,
      });
    }
    const { version } = db.prepare(sql.SELECT_SCHEMA_VERSION).get() as { version: number };
    const { count } = db.prepare('SELECT COUNT(*) AS count FROM events').get() as { count: number };
    // The copy is a file on its own: no WAL beside it to lose when it is moved.
    db.pragma('journal_mode = DELETE');
    return { events: count, schemaVersion: version };
  } finally {
    db.close();
  }
}
