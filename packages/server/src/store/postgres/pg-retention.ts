import type pg from 'pg';
import type { DeliveryBacklog, DeliveryBacklogStore } from '../delivery-backlog-port.ts';
import type { RemovedCounts, RetentionHorizon, RetentionStore } from '../retention-port.ts';
import { inTransaction, query } from './pg-connection.ts';
import { APPEND_LOCK, lock } from './pg-locks.ts';

// Retention (retention-port.ts) and the delivery backlog (delivery-backlog-port.ts) on
// PostgreSQL. A removal batch takes the append lock, so the horizon it writes and the log it
// cuts are seen together by readers that check the horizon; PostgreSQL's autovacuum gives the
// space back, so compact() has nothing to do.

const NOTHING: RetentionHorizon = { removedThrough: 0, removedBefore: 0 };

export async function horizonOf(c: pg.ClientBase | pg.Pool): Promise<RetentionHorizon> {
  const { rows } = await c.query<{ removed_through: number; removed_before: number }>(
    'SELECT removed_through, removed_before FROM retention_horizon',
  );
  const r = rows[0];
  return r ? { removedThrough: r.removed_through, removedBefore: r.removed_before } : NOTHING;
}

export class PgRetention implements RetentionStore, DeliveryBacklogStore {
  constructor(private readonly pool: pg.Pool) {}

  async removeBefore(before: number, limit: number): Promise<RemovedCounts> {
    if (!Number.isSafeInteger(before) || !Number.isSafeInteger(limit) || limit < 1) {
      const { CallhookError } = await import('../../errors.ts');
      throw new CallhookError(
        'validation_error',
        'removeBefore needs an integer time and limit ≥ 1',
        { before, limit },
      );
    }
    return inTransaction(this.pool, async (c) => {
      await lock(c, [APPEND_LOCK]);
      const pending = await c.query<{ position: number | null }>(
        "SELECT MIN(event_position) AS position FROM deliveries WHERE status = 'pending'",
      );
      const stopAt = pending.rows[0]?.position ?? Number.POSITIVE_INFINITY;
      const start = await c.query<{ position: number; occurred_at: number }>(
        'SELECT position, occurred_at FROM events ORDER BY position LIMIT $1',
        [limit + 1],
      );
      let through = 0;
      let taken = 0;
      for (const row of start.rows) {
        if (taken === limit || row.occurred_at >= before || row.position >= stopAt) break;
        through = row.position;
        taken += 1;
      }
      let deliveries = 0;
      if (taken > 0) {
        // Attempts first: nothing cascades (no foreign keys, pg-migrations.ts v5).
        await c.query(
          `DELETE FROM delivery_attempts AS a USING deliveries AS d
           WHERE d.event_position <= $1 AND a.delivery_id = d.id`,
          [through],
        );
        deliveries =
          (await c.query('DELETE FROM deliveries WHERE event_position <= $1', [through]))
            .rowCount ?? 0;
        await c.query('DELETE FROM events WHERE position <= $1', [through]);
      }
      const firstKept = start.rows[taken];
      const moreEvents =
        taken === limit &&
        firstKept !== undefined &&
        firstKept.occurred_at < before &&
        firstKept.position < stopAt;
      if (taken > 0) {
        const kept = firstKept?.occurred_at ?? before;
        await c.query(
          `INSERT INTO retention_horizon (removed_through, removed_before) VALUES ($1, $2)
           ON CONFLICT (singleton) DO UPDATE SET
             removed_through = GREATEST(retention_horizon.removed_through, excluded.removed_through),
             removed_before = GREATEST(retention_horizon.removed_before, excluded.removed_before)`,
          [through, Math.min(before, kept)],
        );
      }
      const idem = await c.query(
        `DELETE FROM idempotency_keys WHERE (scope, key) IN (
           SELECT scope, key FROM idempotency_keys WHERE created_at < $1 LIMIT $2)`,
        [before, limit],
      );
      const idempotencyRecords = idem.rowCount ?? 0;
      // Ended calls with nothing left in the log (a call that ended before the cut was made
      // before it too).
      const ended = await c.query(
        `DELETE FROM calls WHERE call_id IN (
           SELECT k.call_id FROM calls AS k
           WHERE k.status = 'ended' AND k.created_at < $1 AND k.ended_at < $1
             AND NOT EXISTS (SELECT 1 FROM events AS e WHERE e.call_id = k.call_id)
           ORDER BY k.created_at
           LIMIT $2)`,
        [before, limit],
      );
      const calls = ended.rowCount ?? 0;
      return {
        events: taken,
        deliveries,
        idempotencyRecords,
        calls,
        more: moreEvents || idempotencyRecords === limit || calls === limit,
      };
    });
  }

  horizon(): Promise<RetentionHorizon> {
    return horizonOf(this.pool);
  }

  async compact(_maxPages: number): Promise<number> {
    return 0;
  }

  async deliveryBacklog(): Promise<DeliveryBacklog> {
    const pending = await query<{ endpoint_id: string; pending: number; oldest: number }>(
      this.pool,
      `SELECT endpoint_id, COUNT(*)::integer AS pending, MIN(created_at) AS oldest
       FROM deliveries WHERE status = 'pending'
       GROUP BY endpoint_id ORDER BY oldest, endpoint_id`,
    );
    const disabled = await query<{ reason: string; n: number }>(
      this.pool,
      `SELECT disabled_reason AS reason, COUNT(*)::integer AS n FROM endpoints
       WHERE NOT enabled AND disabled_reason IS NOT NULL GROUP BY disabled_reason`,
    );
    const counts: DeliveryBacklog['disabled'] = { manual: 0, gone: 0, failing: 0 };
    for (const row of disabled) {
      if (row.reason in counts) counts[row.reason as keyof typeof counts] = row.n;
    }
    return {
      endpoints: pending.map((r) => ({
        endpointId: r.endpoint_id,
        pending: r.pending,
        oldestPendingAt: r.oldest,
      })),
      disabled: counts,
    };
  }
}
