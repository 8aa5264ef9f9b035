import { LIMIT } from './sql-limit.ts';
// The statements of retention (sqlite-retention.ts; the rules are in ../retention-port.ts).

export const SELECT_HORIZON = `
  SELECT removed_through AS removedThrough, removed_before AS removedBefore
  FROM retention_horizon WHERE id = 1`;

export const UPSERT_HORIZON = `
  INSERT INTO retention_horizon (id, removed_through, removed_before)
  VALUES (1, @removedThrough, @removedBefore)
  ON CONFLICT (id) DO UPDATE SET
    removed_through = MAX(removed_through, excluded.removed_through),
    removed_before = MAX(removed_before, excluded.removed_before)`;

/**
 * Where retention must stop: the oldest event a pending delivery still needs — a pending row's,
 * or the first after an enabled endpoint's outbox position (its deliveries are not written yet:
 * unwritten-deliveries.ts).
 */
export const SELECT_OLDEST_PENDING_POSITION = `
  SELECT MIN(position) AS position FROM (
    SELECT MIN(event_position) AS position
    FROM deliveries INDEXED BY deliveries_pending_by_position WHERE status = 'pending'
    UNION ALL
    SELECT MIN(outbox_position) + 1 FROM endpoints WHERE enabled = 1)`;

/** The start of the log, oldest first: the removal takes the prefix that is due. */
export const SELECT_LOG_START = `
  SELECT position, occurred_at AS occurredAt FROM events ORDER BY position ${LIMIT}`;

/** Attempts go with their deliveries (ON DELETE CASCADE). */
export const DELETE_DELIVERIES_THROUGH = `
  DELETE FROM deliveries INDEXED BY deliveries_by_event_position
  WHERE event_position <= @through`;

export const DELETE_EVENTS_THROUGH = 'DELETE FROM events WHERE position <= @through';

export const DELETE_IDEMPOTENCY_BATCH = `
  DELETE FROM idempotency_keys WHERE rowid IN (
    SELECT rowid FROM idempotency_keys INDEXED BY idempotency_keys_by_created
    WHERE created_at < @before ${LIMIT})`;

/**
 * Ended calls with nothing left in the log. A call that ended before @before was created
 * before it too: calls_by_status reads them oldest first, and the events' UNIQUE (call_id,
 * seq) index answers NOT EXISTS.
 */
export const DELETE_ENDED_CALLS_BATCH = `
  DELETE FROM calls WHERE call_id IN (
    SELECT c.call_id FROM calls AS c INDEXED BY calls_by_status
    WHERE c.status = 'ended' AND c.created_at < @before AND c.ended_at < @before
      AND NOT EXISTS (SELECT 1 FROM events AS e WHERE e.call_id = c.call_id)
    ORDER BY c.created_at
    ${LIMIT})`;

export const SELECT_FREELIST_COUNT = 'freelist_count';
