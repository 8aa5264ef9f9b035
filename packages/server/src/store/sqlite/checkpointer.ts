import type Database from 'better-sqlite3';
import {
  CheckpointerError,
  type CheckpointResult,
  type CheckpointThread,
  checkpointThread,
} from './checkpoint-thread.ts';
import * as sql from './sql.ts';

// Background WAL checkpoints. A commit that crosses wal_autocheckpoint copies thousands of
// pages into the database file and syncs it before it returns, stalling the event loop for
// tens of ms. Here the checkpoint thread, on its own connection, checkpoints a little every
// interval instead (PASSIVE: it never waits for, nor blocks, the writer), and the main
// connection's own threshold is raised to a bound (sql.ts: 24 MiB) past which its commits copy
// only the frames the thread has not copied yet: the WAL stays bounded even when an interval
// sees more writes than the restart below expects, or the thread falls behind.

export const DEFAULT_CHECKPOINT_INTERVAL_MS = 200;

/**
 * WAL length (frames, 4 KiB each: 16 MiB) past which the main connection checkpoints the few
 * frames the thread has not yet copied, itself, between two of its transactions. Under steady
 * writes the thread's PASSIVE checkpoint never catches up with the last commit, and SQLite
 * starts the WAL over only when a write begins with every frame copied: without this the WAL
 * grows until a lull (or to the main connection's bound). With it, the next write starts the
 * WAL over, so the file stays near this size plus one interval of writes. The cost is copying
 * what was written during the thread's last checkpoint (~200 ms of commits) and one sync of the
 * database file, every 16 MiB of WAL.
 */
export const WAL_RESTART_FRAMES = 4096;

export interface CheckpointerOptions {
  /** The database file; the checkpoint thread opens its own connection to it. */
  path: string;
  /** The main connection, whose automatic checkpoints become the WAL's bound meanwhile. */
  db: Database.Database;
  intervalMs?: number;
  /**
   * The thread failed or ended on its own. The main connection checkpoints inside its commits
   * again by then, so nothing is lost but latency; default: ignore.
   */
  onError?: (error: Error) => void;
  /**
   * A checkpoint failed on the thread's connection (a full disk, an I/O error): the thread
   * keeps its connection and tries again at every interval, so checkpoints resume by
   * themselves once the cause is gone. Told the first failure of a run of them, and `null` at
   * the first success after it; default: ignore.
   */
  onFailing?: (error: Error | null) => void;
}

let lastDatabaseId = 0;

/** Starts a checkpointer for `options.db` (the store keeps it: `SqliteStore.checkpointer`). */
export function startCheckpointer(options: CheckpointerOptions): Checkpointer {
  return new Checkpointer(options);
}

export class Checkpointer {
  private readonly db: Database.Database;
  private readonly id = ++lastDatabaseId;
  private readonly thread: CheckpointThread;
  private readonly timer: NodeJS.Timeout;
  private readonly onError: (error: Error) => void;
  private readonly onFailing: (error: Error | null) => void;
  /** The last checkpoint failed on the thread's connection (and will be tried again). */
  private failing = false;
  private ticking = false;
  private closing: Promise<void> | undefined;
  private stopped = false;

  constructor(options: CheckpointerOptions) {
    this.db = options.db;
    this.onError = options.onError ?? (() => {});
    this.onFailing = options.onFailing ?? (() => {});
    this.thread = checkpointThread();
    this.thread
      .open(this.id, options.path, (error) => this.fail(error))
      .then(
        // The thread can checkpoint from now on: leave only the bound to the main connection.
        () => {
          if (!this.stopped && !this.closing && this.db.open) {
            this.db.pragma(sql.PRAGMA_WAL_AUTOCHECKPOINT_BOUND);
          }
        },
        (error: Error) => this.fail(error),
      );
    this.timer = setInterval(
      () => this.tick(),
      options.intervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS,
    );
    this.timer.unref(); // as the thread: a store left open must not keep the process alive
  }

  /**
   * Checkpoints now (a round trip to the thread), after any checkpoint already asked for.
   * Until the answer, it holds the process, as any awaited I/O would. The thread answers in
   * order, so this comes after the opening of its connection, as the bound's pragma does.
   */
  checkpointNow(): Promise<CheckpointResult> {
    return this.checkpoint(true);
  }

  /**
   * Stops the interval and closes the thread's connection (the thread ends with its last one);
   * the main connection checkpoints inline again. A second call returns the same promise.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.timer);
      await this.thread.close(this.id);
      this.stopped = true;
      this.inlineAgain();
    })();
    return this.closing;
  }

  /** Ends the checkpoint thread as a crash would; resolves once this checkpointer knows. */
  terminateForTest(): Promise<void> {
    return this.thread.terminate();
  }

  private tick(): void {
    // The store closed its connection without closing this first (closeSync): follow it.
    if (!this.db.open) {
      void this.close();
      return;
    }
    // One checkpoint at a time; a slow one delays the next instead of queueing more.
    if (this.ticking) return;
    this.ticking = true;
    this.checkpoint(false)
      .then((result) => this.restartIfLong(result))
      .catch(() => {}) // told already: onFailing (tried again) or onError (see fail)
      .finally(() => {
        this.ticking = false;
      });
  }

  private restartIfLong(result: CheckpointResult): void {
    if (result.busy || result.log < WAL_RESTART_FRAMES || this.stopped || !this.db.open) return;
    try {
      // On the main thread, between transactions (a transaction never spans a turn): nothing
      // writes meanwhile, so this copies the rest and leaves the WAL all checkpointed.
      this.db.pragma(sql.PRAGMA_WAL_CHECKPOINT_PASSIVE);
    } catch {
      // A full disk: the thread reports it at its next checkpoint (onFailing).
    }
  }

  private checkpoint(held: boolean): Promise<CheckpointResult> {
    if (this.stopped || this.closing) {
      return Promise.reject(
        new CheckpointerError('checkpointer_stopped', 'the checkpointer is stopped'),
      );
    }
    return this.thread.checkpoint(this.id, held).then(
      (result) => {
        if (this.failing) {
          this.failing = false;
          this.onFailing(null);
        }
        return result;
      },
      (error: Error) => {
        // SQLite refused this checkpoint (SQLITE_FULL while the disk is full): the thread and
        // its connection are fine, and the next tick tries again. Stopping here for good would
        // leave the WAL to grow into any space freed later.
        if (error instanceof CheckpointerError && error.code === 'checkpoint_failed') {
          if (!this.failing) {
            this.failing = true;
            this.onFailing(error);
          }
        } else {
          this.fail(error);
        }
        throw error;
      },
    );
  }

  /**
   * The thread cannot checkpoint this database any more: the main connection takes the job
   * back, and the error is reported once (unless it is the end of an asked-for close).
   */
  private fail(error: Error): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.inlineAgain();
    if (!this.closing) this.onError(error);
    void this.thread.close(this.id); // its connection there, if the thread still runs
  }

  private inlineAgain(): void {
    if (this.db.open) this.db.pragma(sql.PRAGMA_WAL_AUTOCHECKPOINT);
  }
}

export type { CheckpointerErrorCode } from './checkpoint-thread.ts';
export { CheckpointerError, type CheckpointResult };
