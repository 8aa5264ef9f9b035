import Database from 'better-sqlite3';
import { StoreUnavailableError, type StoreUnavailableReason } from '../store-unavailable.ts';
import * as sql from './sql.ts';

// What the SQLite adapter knows about its writes failing for reasons outside the service (a
// full disk, a failing or read-only file system): those errors become StoreUnavailableError
// (503 with Retry-After), and the store stays "unavailable" for readiness until a write
// succeeds again. Nothing of a failed write is kept: SQLite rolls back the statement or the
// transaction that hit the error, so a command that was not acknowledged wrote nothing.
//
// Recovery. A full disk is worse in WAL mode than it looks: the transactions that fail grow the
// WAL file into any space there is, and while the background checkpoint cannot extend the
// database file (SQLITE_FULL) the WAL never restarts, so every page freed later is eaten by
// the WAL again. So while writes fail, commands are refused at once (no WAL growth), and a
// recovery attempt — at most one a second, and at every readiness check — first runs a
// TRUNCATE checkpoint (the WAL's pages into the database file, then the WAL cut to zero
// bytes), then one tiny write. Both work once space is freed, with or without a restart.

/** The SQLite error that a full or failing device raises, as a StoreUnavailableReason. */
export function unavailableReasonOf(error: unknown): StoreUnavailableReason | null {
  if (!(error instanceof Database.SqliteError)) return null;
  if (error.code === 'SQLITE_FULL') return 'disk_full';
  if (error.code.startsWith('SQLITE_IOERR')) return 'io_error';
  if (error.code.startsWith('SQLITE_READONLY')) return 'read_only';
  return null;
}

export interface WriteFault {
  reason: StoreUnavailableReason;
  /** The SQLite error code that started it. */
  sqliteCode: string;
}

/** The least time between two recovery attempts made for commands (readiness always tries). */
export const RECOVERY_INTERVAL_MS = 1000;

export class WriteFaults {
  private fault: WriteFault | null = null;
  private readonly probe: () => void;
  private readonly truncateWal: () => void;
  /** performance.now() of the last recovery attempt (a throttle, not a clock of the service). */
  private lastAttempt = Number.NEGATIVE_INFINITY;

  constructor(
    db: Database.Database,
    /** Told when writes start failing, and again (with null) when they work again. */
    private readonly onChange: (fault: WriteFault | null) => void = () => {},
  ) {
    const touch = db.prepare(sql.PROBE_WRITE);
    this.probe = db.transaction(() => touch.run()).immediate;
    this.truncateWal = () => {
      if (db.memory) return;
      const [row] = db.pragma(sql.PRAGMA_WAL_CHECKPOINT_TRUNCATE) as [{ busy: number }];
      // Another connection's checkpoint held the lock past busy_timeout: try again later.
      if (row.busy !== 0) throw new Error('WAL checkpoint busy');
    };
  }

  /** The fault writes are failing with, or null while they work. */
  get current(): WriteFault | null {
    return this.fault;
  }

  /** `error` as the store reports it: a device fault becomes StoreUnavailableError. */
  translate(error: unknown): unknown {
    if (error instanceof StoreUnavailableError) return error;
    const reason = unavailableReasonOf(error);
    if (reason === null) return error;
    this.set({ reason, sqliteCode: (error as { code: string }).code });
    return new StoreUnavailableError(reason, { cause: error });
  }

  /** A write committed: whatever failed before works again. */
  succeeded(): void {
    if (this.fault === null) return;
    this.fault = null;
    this.onChange(null);
  }

  /**
   * For readiness: while writes are failing, tries one tiny write (it changes no value but
   * appends to the WAL, so it needs the space a command needs) and throws if it still fails.
   */
  check(): void {
    if (this.fault === null) return;
    this.lastAttempt = performance.now();
    try {
      this.truncateWal();
      this.probe();
    } catch (error) {
      const translated = this.translate(error);
      // Not a device error (a busy checkpoint): still unavailable, for the same reason.
      if (translated === error)
        throw new StoreUnavailableError(this.fault.reason, { cause: error });
      throw translated;
    }
    this.succeeded();
  }

  /**
   * Before a write: throws at once while writes fail, but for one recovery attempt a second
   * (check), so that a burst of refused commands neither grows the WAL nor spins on it.
   */
  admitWrite(): void {
    if (this.fault === null) return;
    if (performance.now() - this.lastAttempt < RECOVERY_INTERVAL_MS) {
      throw new StoreUnavailableError(this.fault.reason);
    }
    this.check();
  }

  /**
   * At open: a WAL left large by a crash while the disk was full is checkpointed and cut to
   * zero bytes. If that fails for a device reason, the store opens unavailable (and recovers
   * later by itself) instead of refusing to start.
   */
  recoverAtOpen(): void {
    try {
      this.truncateWal();
    } catch (error) {
      if (unavailableReasonOf(error) === null) throw error;
      this.translate(error);
    }
  }

  private set(fault: WriteFault): void {
    const changed = this.fault?.reason !== fault.reason;
    this.fault = fault;
    if (changed) this.onChange(fault);
  }
}

/**
 * `target` with every method's failure passed through `faults.translate`: the store's port
 * as callers see it, so that no device error leaves the adapter as a bare SqliteError.
 */
export function withFaultTranslation<T extends object>(target: T, faults: WriteFaults): T {
  return new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        let result: unknown;
        try {
          result = value.apply(object, args);
        } catch (error) {
          throw faults.translate(error);
        }
        if (result instanceof Promise) {
          return result.catch((error: unknown) => {
            throw faults.translate(error);
          });
        }
        return result;
      };
    },
  });
}
