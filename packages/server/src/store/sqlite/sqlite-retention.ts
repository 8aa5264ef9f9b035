import type Database from 'better-sqlite3';
import { CallhookError } from '../../errors.ts';
import type { RemovedCounts, RetentionHorizon, RetentionStore } from '../retention-port.ts';
import * as sql from './retention-sql.ts';

// Retention on SQLite (the rules: ../retention-port.ts). One IMMEDIATE transaction per batch,
// so a batch holds the write lock for as long as deleting `limit` rows takes and commands
// interleave between batches; freed pages go back to the file system with incremental_vacuum.

type Params = Record<string, unknown>;

const NOTHING: RetentionHorizon = { removedThrough: 0, removedBefore: 0 };

export class SqliteRetention implements RetentionStore {
  private readonly st;
  private readonly remove: (before: number, limit: number) => RemovedCounts;

  /**
   * `beforeRemove` runs first in each removal's transaction: the deferred outbox writes its
   * outbox positions there (they lag in the file between dispatcher turns), so that the cut
   * stops at what is still to be sent, not at an older position.
   */
  beforeRemove: () => void = () => {};

  constructor(private readonly db: Database.Database) {
    this.st = {
      horizon: db.prepare<[], RetentionHorizon>(sql.SELECT_HORIZON),
      upsertHorizon: db.prepare<Params>(sql.UPSERT_HORIZON),
      oldestPending: db.prepare<[], { position: number | null }>(
        sql.SELECT_OLDEST_PENDING_POSITION,
      ),
      logStart: db.prepare<Params, { position: number; occurredAt: number }>(sql.SELECT_LOG_START),
      deleteDeliveries: db.prepare<Params>(sql.DELETE_DELIVERIES_THROUGH),
      deleteEvents: db.prepare<Params>(sql.DELETE_EVENTS_THROUGH),
      deleteIdempotency: db.prepare<Params>(sql.DELETE_IDEMPOTENCY_BATCH),
      deleteEndedCalls: db.prepare<Params>(sql.DELETE_ENDED_CALLS_BATCH),
    };
    this.remove = db.transaction((before: number, limit: number) =>
      this.removeInTransaction(before, limit),
    ).immediate;
  }

  async removeBefore(before: number, limit: number): Promise<RemovedCounts> {
    if (!Number.isSafeInteger(before) || !Number.isSafeInteger(limit) || limit < 1) {
      throw new CallhookError(
        'validation_error',
        'removeBefore needs an integer time and limit ≥ 1',
        {
          before,
          limit,
        },
      );
    }
    return this.remove(before, limit);
  }

  async horizon(): Promise<RetentionHorizon> {
    return this.horizonNow();
  }

  /** The horizon, read in the caller's transaction (readEvents, replay). */
  horizonNow(): RetentionHorizon {
    return this.st.horizon.get() ?? NOTHING;
  }

  async compact(maxPages: number): Promise<number> {
    const before = this.freePages();
    if (before === 0) return 0;
    this.db.pragma(`incremental_vacuum(${Math.max(1, Math.floor(maxPages))})`);
    return before - this.freePages();
  }

  private freePages(): number {
    return this.db.pragma(sql.SELECT_FREELIST_COUNT, { simple: true }) as number;
  }

  private removeInTransaction(before: number, limit: number): RemovedCounts {
    this.beforeRemove();
    const stopAt = this.st.oldestPending.get()?.position ?? Number.POSITIVE_INFINITY;
    // One row past the batch tells whether the due prefix goes on.
    const start = this.st.logStart.all({ limit: limit + 1 });
    let through = 0;
    let taken = 0;
    for (const row of start) {
      if (taken === limit || row.occurredAt >= before || row.position >= stopAt) break;
      through = row.position;
      taken += 1;
    }
    let deliveries = 0;
    if (taken > 0) {
      deliveries = this.st.deleteDeliveries.run({ through }).changes;
      this.st.deleteEvents.run({ through });
    }
    const firstKept = start[taken];
    const moreEvents =
      taken === limit &&
      firstKept !== undefined &&
      firstKept.occurredAt < before &&
      firstKept.position < stopAt;
    if (taken > 0) {
      // Replay may start at `before` only if nothing older is still kept (held by a delivery).
      const kept = firstKept?.occurredAt ?? before;
      this.st.upsertHorizon.run({ removedThrough: through, removedBefore: Math.min(before, kept) });
    }
    const idempotencyRecords = this.st.deleteIdempotency.run({ before, limit }).changes;
    const calls = this.st.deleteEndedCalls.run({ before, limit }).changes;
    return {
      events: taken,
      deliveries,
      calls,
      idempotencyRecords,
      more: moreEvents || idempotencyRecords === limit || calls === limit,
    };
  }
}
