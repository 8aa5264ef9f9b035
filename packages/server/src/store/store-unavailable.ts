import { CallhookError } from '../errors.ts';

// A store that cannot take writes for now (the disk is full, the file system failed or was
// made read-only) says so with this error, whatever the adapter: the HTTP layer answers
// 503 `unavailable` with Retry-After, and the caller may retry once the operator has acted.
// Nothing of the failed operation was written. An adapter keeps reporting it from `ping()`
// (readiness) until a write succeeds again, which it tries by itself: no restart is needed.

export type StoreUnavailableReason =
  /** No space left on the device holding the database (SQLITE_FULL, ENOSPC). */
  | 'disk_full'
  /** The device or file system failed a read or a write (SQLITE_IOERR). */
  | 'io_error'
  /** The database file or its directory cannot be written (SQLITE_READONLY). */
  | 'read_only';

/** How long a client is told to wait before retrying (the Retry-After header), in seconds. */
export const STORE_RETRY_AFTER_SECONDS = 5;

const ADVICE: Record<StoreUnavailableReason, string> = {
  disk_full:
    'the disk holding the database is full; writes resume by themselves once space is freed',
  io_error: 'the database file could not be read or written (I/O error); see the server log',
  read_only: 'the database file cannot be written (read-only); check its file system and modes',
};

export class StoreUnavailableError extends CallhookError {
  readonly reason: StoreUnavailableReason;
  /** Seconds the client should wait before trying again (sent as Retry-After). */
  readonly retryAfterSeconds = STORE_RETRY_AFTER_SECONDS;

  constructor(reason: StoreUnavailableReason, options?: { cause?: unknown }) {
    super('unavailable', ADVICE[reason], { reason });
    this.name = 'StoreUnavailableError';
    this.reason = reason;
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
