import { CallhookError } from '../errors.ts';
// Retention, as the storage port states it (Store.retention). The service (service/
// retention-sweeper.ts) decides when and how much; an adapter keeps these rules:
//
// - `removeBefore(before, limit)` deletes, in one transaction, up to `limit` of the oldest
//   events that occurred before `before` (ms), oldest position first, with every delivery
//   of those events and their attempts; and up to `limit` idempotency records created before
//   `before`. It never removes an event that a pending delivery still needs, nor any event
//   after it: the log is only ever cut at its start, so what is left is one unbroken range.
//   (A disabled endpoint's pending deliveries hold retention back until the endpoint is
//   enabled, replayed or deleted: docs/contract.md keeps them to be replayed.) It also removes up to
//   `limit` calls that ended before `before` and have no event left in the log (their
//   `getCall` is then undefined, as for a call never made); active calls always stay.
// - The horizon says what was removed: every event at or below `removedThrough` (a log
//   position) and, for replay, every event that occurred before `removedBefore`. It only grows.
// - Asked for what it removed, the store answers `retention_expired` (HTTP 410), a
//   CallhookError with the horizon in `details`:
//     · `readEvents({after})` with 0 < after < removedThrough (the reader would miss events
//       between its cursor and the oldest kept one). `after` absent or 0 means "from the
//       oldest event kept" and is never refused.
//     · `deliveries.replay(endpoint, since, …)` with since < removedBefore.
// - `compact()` gives the pages freed by removals back to the file system, a bounded amount a
//   call, and may be a no-op where the database does that itself.

export interface RetentionHorizon {
  /** Every event at or below this log position was removed; 0 when nothing was. */
  removedThrough: number;
  /** Every event that occurred before this (ms) was removed, or is held by a pending delivery; 0 when nothing was. */
  removedBefore: number;
}

export interface RemovedCounts {
  events: number;
  deliveries: number;
  /** Ended calls whose events were all removed. */
  calls: number;
  idempotencyRecords: number;
  /** More is due for removal than this call's `limit` allowed: call again. */
  more: boolean;
}

export interface RetentionStore {
  removeBefore(before: number, limit: number): Promise<RemovedCounts>;
  horizon(): Promise<RetentionHorizon>;
  /** Returns how many pages it gave back. */
  compact(maxPages: number): Promise<number>;
}

/** The error for a read of what retention removed (the rules above). */
export function retentionExpired(what: string, horizon: RetentionHorizon): CallhookError {
  return new CallhookError(
    'retention_expired',
    `${what} was removed by retention (--retention): read from the oldest kept event instead ` +
      '(omit the cursor, or replay from removedBefore)',
    horizon,
  );
}
