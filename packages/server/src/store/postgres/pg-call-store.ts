import type pg from 'pg';
import type { CallState } from '../../engine/call-state.ts';
import { decodePageCursor, encodePageCursor } from '../page-cursor.ts';
import type {
  CallListQuery,
  CallStore,
  EventQuery,
  IdempotencyRecord,
  StoredEvent,
} from '../port.ts';
import { checkEventQuery, checkPageLimit } from '../port-checks.ts';
import { retentionExpired } from '../retention-port.ts';
import type { PgChangeFeed } from './pg-change-feed.ts';
import { type Decide, idempotencyOf, PgCommandBatcher } from './pg-command-batch.ts';
import { inTransaction, query } from './pg-connection.ts';
import type { PgEndpointCache } from './pg-endpoint-cache.ts';
import { horizonOf } from './pg-retention.ts';

// The call half of the PostgreSQL adapter: commands through the batcher (pg-command-batch.ts),
// reads as single statements on the pool.

export const MAX_CALL_PAGE = 500;

interface StateRow {
  state_json: string;
}

const stateOf = (row: StateRow): CallState => JSON.parse(row.state_json) as CallState;

export class PgCallStore implements CallStore {
  private readonly batcher: PgCommandBatcher;

  constructor(
    private readonly pool: pg.Pool,
    endpoints: PgEndpointCache,
    changes: PgChangeFeed,
  ) {
    this.batcher = new PgCommandBatcher(pool, endpoints, changes);
  }

  runCommand<R>(
    callId: string,
    decide: Decide<R>,
    options?: { idempotencyKey?: { scope: string; key: string } },
  ): Promise<R> {
    return this.batcher.run(callId, decide, options?.idempotencyKey);
  }

  async getIdempotency(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    const rows = await query<Parameters<typeof idempotencyOf>[0]>(
      this.pool,
      `SELECT scope, key, request_hash, created, response_body, created_at
       FROM idempotency_keys WHERE scope = $1 AND key = $2`,
      [scope, key],
    );
    return rows[0] ? idempotencyOf(rows[0]) : undefined;
  }

  async pruneIdempotency(olderThan: number): Promise<number> {
    const rows = await query<{ n: number }>(
      this.pool,
      `WITH gone AS (DELETE FROM idempotency_keys WHERE created_at < $1 RETURNING 1)
       SELECT COUNT(*)::integer AS n FROM gone`,
      [olderThan],
    );
    return rows[0]!.n;
  }

  async getCall(callId: string): Promise<CallState | undefined> {
    const rows = await query<StateRow>(
      this.pool,
      'SELECT state_json FROM calls WHERE call_id = $1',
      [callId],
    );
    return rows[0] ? stateOf(rows[0]) : undefined;
  }

  async listCalls(q: CallListQuery): Promise<{ calls: CallState[]; nextCursor: string | null }> {
    const { limit } = q;
    checkPageLimit(limit, MAX_CALL_PAGE);
    const before = decodePageCursor(q.cursor);
    const values: unknown[] = [before.createdAt, before.id];
    const where = ['(created_at, call_id) < ($1, $2)'];
    if (q.status !== undefined) where.push(`status = $${values.push(q.status)}`);
    if (q.threadId !== undefined) where.push(`thread_id = $${values.push(q.threadId)}`);
    if (q.streamId !== undefined) where.push(`stream_id = $${values.push(q.streamId)}`);
    const rows = await query<StateRow & { created_at: number; call_id: string }>(
      this.pool,
      `SELECT state_json, created_at, call_id FROM calls WHERE ${where.join(' AND ')}
       ORDER BY created_at DESC, call_id DESC LIMIT $${values.push(limit + 1)}`,
      values,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      calls: page.map(stateOf),
      nextCursor:
        rows.length > limit && last
          ? encodePageCursor({ createdAt: last.created_at, id: last.call_id })
          : null,
    };
  }

  async listActiveCalls(): Promise<CallState[]> {
    const rows = await query<StateRow>(
      this.pool,
      "SELECT state_json FROM calls WHERE status = 'active' ORDER BY created_at, call_id",
    );
    return rows.map(stateOf);
  }

  async countActiveCalls(): Promise<number> {
    const rows = await query<{ n: number }>(
      this.pool,
      "SELECT COUNT(*)::integer AS n FROM calls WHERE status = 'active'",
    );
    return rows[0]!.n;
  }

  /** SKIP LOCKED: of two nodes claiming at once, each takes calls the other did not. */
  async claimDeadlines(
    owner: string,
    now: number,
    leaseUntil: number,
    limit: number,
  ): Promise<string[]> {
    const rows = await query<{ call_id: string; deadline_at: number }>(
      this.pool,
      `UPDATE calls SET deadline_leased_by = $1, deadline_leased_until = $3
       WHERE call_id IN (
         SELECT call_id FROM calls
         WHERE deadline_at IS NOT NULL AND deadline_at <= $2
           AND (deadline_leased_until IS NULL OR deadline_leased_until <= $2
             OR deadline_leased_by = $1)
         ORDER BY deadline_at
         LIMIT $4
         FOR UPDATE SKIP LOCKED)
       RETURNING call_id, deadline_at`,
      [owner, now, leaseUntil, limit],
    );
    return rows
      .sort((a, b) => a.deadline_at - b.deadline_at || (a.call_id < b.call_id ? -1 : 1))
      .map((r) => r.call_id);
  }

  async nextDeadlineAt(): Promise<number | null> {
    const rows = await query<{ at: number | null }>(
      this.pool,
      `SELECT MIN(GREATEST(deadline_at, COALESCE(deadline_leased_until, deadline_at))) AS at
       FROM calls
       WHERE deadline_at IS NOT NULL
         AND deadline_at <= COALESCE(
           (SELECT deadline_at FROM calls
            WHERE deadline_at IS NOT NULL AND deadline_leased_until IS NULL
            ORDER BY deadline_at LIMIT 1),
           9007199254740991)`,
    );
    return rows[0]?.at ?? null;
  }

  async listCallsWithoutDeadline(limit: number): Promise<CallState[]> {
    const rows = await query<StateRow>(
      this.pool,
      `SELECT state_json FROM calls WHERE status = 'active' AND deadline_at IS NULL
       ORDER BY call_id LIMIT $1`,
      [limit],
    );
    return rows.map(stateOf);
  }

  async fillMissingDeadlines(
    deadlines: readonly { callId: string; deadlineAt: number }[],
  ): Promise<void> {
    if (deadlines.length === 0) return;
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `UPDATE calls SET deadline_at = d.deadline_at
         FROM unnest($1::text[], $2::bigint[]) AS d(call_id, deadline_at)
         WHERE calls.call_id = d.call_id AND calls.status = 'active'
           AND calls.deadline_at IS NULL`,
        [deadlines.map((d) => d.callId), deadlines.map((d) => d.deadlineAt)],
      );
    });
  }

  async readEvents(q: EventQuery): Promise<StoredEvent[]> {
    const after = checkEventQuery(q);
    if (after > 0) {
      const horizon = await horizonOf(this.pool);
      if (after < horizon.removedThrough) throw retentionExpired(`the log after ${after}`, horizon);
    }
    const types = q.types && q.types.length > 0 ? [...q.types] : null;
    const values: unknown[] = [after, types, q.limit];
    const byCall = q.callId === undefined ? '' : `AND call_id = $${values.push(q.callId)}`;
    const rows = await query<EventRow>(
      this.pool,
      `SELECT position, id, call_id, seq, type, occurred_at, payload_json FROM events
       WHERE position > $1 AND ($2::text[] IS NULL OR type = ANY($2::text[])) ${byCall}
       ORDER BY position LIMIT $3`,
      values,
    );
    return rows.map(storedEventOf);
  }

  async lastEventPosition(): Promise<number> {
    const rows = await query<{ position: number }>(
      this.pool,
      'SELECT COALESCE(MAX(position), 0) AS position FROM events',
    );
    return rows[0]!.position;
  }

  async ping(): Promise<void> {
    await query(this.pool, 'SELECT 1');
  }

  /** Writes what is queued; the pool itself is closed by the store. */
  async close(): Promise<void> {
    await this.batcher.flush();
  }
}

interface EventRow {
  position: number;
  id: string;
  call_id: string;
  seq: number;
  type: string;
  occurred_at: number;
  payload_json: string;
}

function storedEventOf(row: EventRow): StoredEvent {
  return {
    position: row.position,
    id: row.id,
    callId: row.call_id,
    seq: row.seq,
    type: row.type as StoredEvent['type'],
    occurredAt: row.occurred_at,
    payload: JSON.parse(row.payload_json) as StoredEvent['payload'],
  };
}
