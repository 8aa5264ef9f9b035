import { CallhookError } from '../errors.ts';

// Rows that cannot be read back (invalid JSON from a damaged file or a hand edit) are set
// aside rather than taking the service down (Store.quarantine). An adapter keeps these rules:
//
// - An event whose payload cannot be read is left out of `readEvents` pages (a page is still
//   filled from the rows after it, so a reader moves past it) and recorded here once.
// - A call whose state cannot be read is left out of `listCalls`, `listActiveCalls` and
//   `listCallsWithoutDeadline`, loses its auto-end deadline (nothing would be able to end it),
//   and is recorded here once; `getCall` and `runCommand` on it reject with CorruptRowError
//   (`corrupt_row`, HTTP 500) naming it. Every other call works as before.
// - `summary()` also reports what the database's own check at open found wrong (SQLite:
//   `PRAGMA integrity_check`): readiness shows both, without failing (the service still works).

export type QuarantinedTable = 'calls' | 'events';

export interface QuarantinedRow {
  table: QuarantinedTable;
  /** The call id, or the event id. */
  key: string;
  /** Why it could not be read, e.g. the JSON parser's message. */
  reason: string;
  quarantinedAt: number;
}

export interface QuarantineSummary {
  /** Rows set aside so far. */
  rows: number;
  /** What the check at open found wrong (empty when the database is whole). */
  integrityProblems: readonly string[];
}

export interface QuarantineStore {
  summary(): Promise<QuarantineSummary>;
  /** The newest set-aside rows first. */
  list(limit: number): Promise<QuarantinedRow[]>;
}

/** A stored row could not be read back; it is quarantined (see above). */
export class CorruptRowError extends CallhookError {
  readonly table: QuarantinedTable;
  readonly key: string;
  readonly reason: string;

  constructor(table: QuarantinedTable, key: string, reason: string) {
    const what = table === 'calls' ? `call ${key}` : `event ${key}`;
    super(
      'corrupt_row',
      `the stored ${what} cannot be read (${reason}); it is quarantined, the rest of the service works — restore it from a backup (docs/operations.md)`,
      { table, key },
    );
    this.name = 'CorruptRowError';
    this.table = table;
    this.key = key;
    this.reason = reason;
  }
}
