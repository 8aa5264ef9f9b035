import type pg from 'pg';
import { CallhookError } from '../../errors.ts';
import type {
  AttemptOutcome,
  AttemptRecord,
  DeliveryRecord,
  DeliveryStatus,
  DeliveryStore,
  DueClaim,
  DueDelivery,
  EndpointRecord,
  MissedEvents,
  Page,
} from '../delivery-port.ts';
import {
  type AttemptRow,
  attemptOf,
  type DeliveryRow,
  type DueRow,
  deliveryOf,
  dueDeliveryOf,
  type EndpointRow,
  endpointOf,
  endpointParams,
} from '../delivery-rows.ts';
import { decodePageCursor } from '../page-cursor.ts';
import { checkClaim, checkOwner, checkPageLimit, pageOf } from '../port-checks.ts';
import { missingEventError, notSubscribedError, unknownEndpointError } from '../resend-checks.ts';
import { retentionExpired } from '../retention-port.ts';
import type { PgChangeFeed } from './pg-change-feed.ts';
import { inTransaction, query } from './pg-connection.ts';
import { bumpEndpointGeneration, type PgEndpointCache } from './pg-endpoint-cache.ts';
import type { Ownership, PgEndpointOwners } from './pg-endpoint-owners.ts';
import { setEndpointLanesEnabled, setNextAttempt, settleLane } from './pg-lanes.ts';
import { APPEND_LOCK, endpointLock, lock } from './pg-locks.ts';
import { recordOutcomesPg } from './pg-outcomes.ts';
import { EVENT_FACT_COLUMNS, type EventFactsRow, PgReplayQueue, REPLAY_PAGE } from './pg-replay.ts';
import { horizonOf } from './pg-retention.ts';

// The delivery half of the PostgreSQL adapter (delivery-port.ts). The rules are the SQLite
// adapter's; what is new is who else may be writing: every write takes the locks pg-locks.ts
// orders, claims skip rows another node has locked, and every change NOTIFYs the other nodes.
// A node claims only the endpoints it owns (pg-endpoint-owners.ts).

export const MAX_DELIVERY_PAGE = 500;

type WithAttempts = DeliveryRecord & { attempts: AttemptRecord[] };

const ENDPOINT_COLUMNS = `id, url, description, event_types, filter_stream_id, filter_thread_id,
  enabled::int AS enabled, disabled_reason, secrets_json, failing_since, disabled_after_position,
  created_at, updated_at`;

const DELIVERY_COLUMNS = `id, endpoint_id, event_id, event_position, call_id, seq, previous_seq,
  event_type, status, attempt_count, next_attempt_at, leased_until, created_at, updated_at`;

const LOG_END = '(SELECT COALESCE(MAX(position), 0) FROM events)';

export class PgDeliveryStore implements DeliveryStore {
  private claimTurn = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly cache: PgEndpointCache,
    private readonly changes: PgChangeFeed,
    private readonly owners: PgEndpointOwners,
  ) {}

  /** An endpoint write: append and endpoint locks, the generation bumped, the nodes told. */
  private async endpointWrite<R>(
    endpointId: string,
    work: (c: pg.PoolClient) => Promise<R>,
  ): Promise<R> {
    try {
      return await inTransaction(this.pool, async (c) => {
        await lock(c, [APPEND_LOCK]);
        await lock(c, [endpointLock(endpointId)]);
        const result = await work(c);
        await bumpEndpointGeneration(c);
        await this.changes.notifyIn(c, { endpoints: true, deliveries: true });
        return result;
      });
    } finally {
      this.cache.invalidate();
      this.changes.publish({ endpoints: true });
    }
  }

  async createEndpoint(endpoint: EndpointRecord): Promise<void> {
    const p = endpointParams(endpoint);
    try {
      await this.endpointWrite(endpoint.id, async (c) => {
        await c.query(
          `INSERT INTO endpoints (id, url, description, event_types, filter_stream_id,
             filter_thread_id, enabled, disabled_reason, secrets_json, failing_since,
             disabled_after_position, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
             CASE WHEN $7 THEN NULL ELSE ${LOG_END} END, $11, $12)`,
          [
            p.id,
            p.url,
            p.description,
            p.eventTypes,
            p.filterStreamId,
            p.filterThreadId,
            endpoint.enabled,
            p.disabledReason,
            p.secretsJson,
            p.failingSince,
            p.createdAt,
            p.updatedAt,
          ],
        );
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new CallhookError('conflict', `endpoint ${endpoint.id} exists already`, {
          endpointId: endpoint.id,
        });
      }
      throw error;
    }
  }

  async getEndpoint(id: string): Promise<EndpointRecord | undefined> {
    const rows = await query<EndpointRow>(
      this.pool,
      `SELECT ${ENDPOINT_COLUMNS} FROM endpoints WHERE id = $1`,
      [id],
    );
    return rows[0] ? endpointOf(rows[0]) : undefined;
  }

  async listEndpoints(q: { limit: number; cursor?: string }): Promise<Page<EndpointRecord>> {
    checkPageLimit(q.limit, MAX_DELIVERY_PAGE);
    const before = decodePageCursor(q.cursor);
    const rows = await query<EndpointRow>(
      this.pool,
      `SELECT ${ENDPOINT_COLUMNS} FROM endpoints WHERE (created_at, id) < ($1, $2)
       ORDER BY created_at DESC, id DESC LIMIT $3`,
      [before.createdAt, before.id, q.limit + 1],
    );
    return pageOf(rows, q.limit, endpointOf);
  }

  async updateEndpoint(endpoint: EndpointRecord): Promise<void> {
    await this.endpointWrite(endpoint.id, (c) => writeEndpoint(c, endpoint));
  }

  async enableEndpoint(
    endpoint: EndpointRecord,
    options: { replayMissed: boolean },
  ): Promise<MissedEvents> {
    if (!endpoint.enabled) throw new RangeError('enableEndpoint: the record must be enabled');
    const missed = await this.endpointWrite(endpoint.id, async (c) => {
      const before = await writeEndpoint(c, endpoint);
      const at = before.enabled === 1 ? null : before.disabled_after_position;
      if (at === null) return { ...NOTHING_MISSED };
      return takeMissedEvents(c, endpoint, at, options.replayMissed, endpoint.updatedAt);
    });
    return missed;
  }

  async deleteEndpoint(id: string): Promise<boolean> {
    return this.endpointWrite(id, async (c) => {
      const r = await c.query({
        name: 'dlv-1',
        text: 'DELETE FROM endpoints WHERE id = $1',
        values: [id],
      });
      if ((r.rowCount ?? 0) === 0) return false;
      await c.query({
        name: 'dlv-1c',
        text: 'DELETE FROM endpoint_owners WHERE endpoint_id = $1',
        values: [id],
      });
      // What hangs below it (no foreign keys: pg-migrations.ts v5).
      await c.query({
        name: 'dlv-1a',
        text: `DELETE FROM delivery_attempts AS a USING deliveries AS d
         WHERE d.endpoint_id = $1 AND a.delivery_id = d.id`,
        values: [id],
      });
      await c.query({
        name: 'dlv-1b',
        text: 'DELETE FROM deliveries WHERE endpoint_id = $1',
        values: [id],
      });
      return true;
    });
  }

  async listDeliveries(
    endpointId: string,
    q: { status?: DeliveryStatus; limit: number; cursor?: string },
  ): Promise<Page<WithAttempts>> {
    checkPageLimit(q.limit, MAX_DELIVERY_PAGE);
    const before = decodePageCursor(q.cursor);
    const values: unknown[] = [endpointId, before.createdAt, before.id, q.limit + 1];
    const status = q.status === undefined ? '' : `AND status = $${values.push(q.status)}`;
    const rows = await query<DeliveryRow>(
      this.pool,
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries
       WHERE endpoint_id = $1 ${status} AND (created_at, id) < ($2, $3)
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      values,
    );
    const page = pageOf(rows, q.limit, (row) => row);
    return { items: await this.withAttempts(page.items), nextCursor: page.nextCursor };
  }

  async getDelivery(id: string): Promise<WithAttempts | undefined> {
    const rows = await query<DeliveryRow>(
      this.pool,
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE id = $1`,
      [id],
    );
    return rows[0] ? (await this.withAttempts(rows))[0] : undefined;
  }

  async claimDue(now: number, claim: DueClaim): Promise<DueDelivery[]> {
    return this.recordAndClaim([], now, claim);
  }

  async recordOutcomes(outcomes: readonly AttemptOutcome[], now: number): Promise<void> {
    await this.recordAndClaim(outcomes, now, null);
  }

  async recordAndClaim(
    outcomes: readonly AttemptOutcome[],
    now: number,
    claim: DueClaim | null,
  ): Promise<DueDelivery[]> {
    if (claim !== null) checkClaim(now, claim);
    if (outcomes.length === 0 && claim === null) return [];
    // A node that owns no endpoint, and need not look again yet, has nothing to ask for.
    if (outcomes.length === 0 && this.owners.ownsNothing() && !this.ownershipDue(now)) return [];
    let disabled = false;
    let ownership: Ownership | null = null;
    const claimed = await inTransaction(this.pool, async (c) => {
      disabled = false;
      ownership = null;
      if (outcomes.length > 0) {
        disabled = (await recordOutcomesPg(c, outcomes, now)).disabledEndpoint;
        if (disabled) {
          await bumpEndpointGeneration(c);
          await this.changes.notifyIn(c, { endpoints: true });
        }
      }
      if (claim === null) return [];
      await this.cache.refreshIfInvalidated(c);
      if (this.ownershipDue(now)) {
        ownership = await this.owners.refresh(c, now, this.cache.ids(), this.cache.version);
        // What this node let go, the others take at their next claim, not a refresh later.
        if (ownership.released)
          await this.changes.notifyIn(c, { endpoints: true, deliveries: true });
      }
      const owned = ownership?.owned ?? this.owners;
      return this.claimIn(c, now, claim, (id) => owned.has(id));
    });
    if (ownership !== null) this.owners.apply(ownership);
    if (disabled) {
      this.cache.invalidate();
      this.changes.publish({ endpoints: true });
    }
    return claimed;
  }

  /** Whether a claim at `now` renews this node's endpoints and takes its share first. */
  private ownershipDue(now: number): boolean {
    return this.cache.invalidated || this.owners.refreshDue(now, this.cache.version);
  }

  /**
   * The claim of recordAndClaim, in its transaction: endpoint by endpoint, even shares first,
   * of the endpoints this node owns.
   */
  private async claimIn(
    c: pg.ClientBase,
    now: number,
    claim: DueClaim,
    owns: (endpointId: string) => boolean,
  ): Promise<DueDelivery[]> {
    const exclude = new Set(claim.excludeEndpointIds ?? []);
    const cap = claim.perEndpoint;
    const held = cap?.inFlight ?? {};
    const open = this.cache
      .ids()
      .filter(
        (id) => owns(id) && !exclude.has(id) && (cap === undefined || (held[id] ?? 0) < cap.limit),
      );
    if (open.length === 0) return [];
    this.claimTurn += 1;
    const n = open.length;
    const turn = this.claimTurn % n;
    const ordered = [...open.slice(turn), ...open.slice(0, turn)];
    const taken = new Map<string, number>();
    const claimed: DueDelivery[] = [];
    const shareLeft = (id: string) =>
      (cap ? cap.limit - (held[id] ?? 0) : Number.POSITIVE_INFINITY) - (taken.get(id) ?? 0);

    const take = async (asks: { id: string; most: number }[]): Promise<Map<string, number>> => {
      const wanted = asks
        .map(({ id, most }) => ({ id, n: Math.min(shareLeft(id), most) }))
        .filter((a) => a.n > 0);
      const got = new Map<string, number>();
      if (wanted.length === 0) return got;
      const rows = await leaseDue(c, now, claim, wanted);
      const order = new Map(ordered.map((id, i) => [id, i]));
      rows.sort(
        (a, b) =>
          order.get(a.endpoint_id)! - order.get(b.endpoint_id)! ||
          a.next_attempt_at! - b.next_attempt_at! ||
          a.ord - b.ord,
      );
      for (const row of rows) {
        claimed.push(dueDeliveryOf(row, now));
        got.set(row.endpoint_id, (got.get(row.endpoint_id) ?? 0) + 1);
        taken.set(row.endpoint_id, (taken.get(row.endpoint_id) ?? 0) + 1);
      }
      return got;
    };

    // First an even part each (as many endpoints at a time as the limit leaves room for),
    // then what is left to whoever had more due.
    const even = Math.max(1, Math.floor(claim.limit / n));
    const more: string[] = [];
    let next = 0;
    while (next < n && claimed.length < claim.limit) {
      const room = claim.limit - claimed.length;
      const count = Math.max(1, Math.min(n - next, Math.floor(room / even)));
      const chunk = ordered.slice(next, next + count);
      next += count;
      const most = Math.min(even, room);
      const got = await take(chunk.map((id) => ({ id, most })));
      for (const id of chunk) if ((got.get(id) ?? 0) >= most) more.push(id);
    }
    for (const id of more) {
      if (claimed.length >= claim.limit) break;
      await take([{ id, most: claim.limit - claimed.length }]);
    }
    return claimed;
  }

  /**
   * The earliest time this node may find something to claim: a due head of an endpoint it
   * owns or nobody owns, or, for one another node owns, that node's lease end (when this node
   * could take it over). A node that owns nothing looks again at its next refresh.
   */
  async nextDueAt(): Promise<number | null> {
    if (
      this.owners.ownsNothing() &&
      !this.cache.invalidated &&
      this.owners.saw(this.cache.version)
    ) {
      const at = this.owners.nextLookAt();
      if (at !== undefined) return at;
    }
    const rows = await query<{ at: number | null }>(
      this.pool,
      `SELECT MIN(CASE WHEN o.node_id <> $1 THEN GREATEST(due.at, o.lease_until) ELSE due.at END)
         AS at
       FROM endpoints AS e
       CROSS JOIN LATERAL (
         SELECT d.next_attempt_at AS at FROM deliveries AS d
         WHERE d.endpoint_id = e.id AND d.status = 'pending' AND d.next_attempt_at IS NOT NULL
         ORDER BY d.next_attempt_at LIMIT 1) AS due
       LEFT JOIN endpoint_owners AS o ON o.endpoint_id = e.id
       WHERE e.enabled`,
      [this.owners.nodeId],
    );
    return rows[0]?.at ?? null;
  }

  /** How many endpoints this node claims (its share), as of its last look. */
  ownedEndpoints(): number {
    return this.owners.count;
  }

  /** Lets this node's endpoints go (it is stopping): the other nodes claim them at once. */
  async releaseOwnership(): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      if (await this.owners.releaseAll(c)) {
        await this.changes.notifyIn(c, { endpoints: true, deliveries: true });
      }
    });
  }

  async releaseLeases(owner: string, now: number): Promise<number> {
    checkOwner(owner);
    const rows = await query<{ n: number }>(
      this.pool,
      `WITH freed AS (
         UPDATE deliveries SET leased_until = NULL, leased_by = NULL,
           next_attempt_at = LEAST(next_attempt_at, $2), updated_at = $2
         WHERE status = 'pending' AND next_attempt_at IS NOT NULL
           AND leased_until IS NOT NULL AND leased_by = $1
         RETURNING 1)
       SELECT COUNT(*)::integer AS n FROM freed`,
      [owner, now],
    );
    if (rows[0]!.n > 0) this.changes.publish({ deliveries: true });
    return rows[0]!.n;
  }

  async retryDelivery(id: string, now: number): Promise<DeliveryRecord | undefined> {
    const found = await query<{ endpoint_id: string }>(
      this.pool,
      'SELECT endpoint_id FROM deliveries WHERE id = $1',
      [id],
    );
    if (!found[0]) return undefined;
    const endpointId = found[0].endpoint_id;
    const retried = await inTransaction(this.pool, async (c) => {
      await lock(c, [APPEND_LOCK]);
      await lock(c, [endpointLock(endpointId)]);
      const { rows } = await c.query<DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE id = $1 FOR UPDATE`,
        [id],
      );
      const row = rows[0];
      if (!row) return undefined;
      if (row.status === 'delivered') {
        throw new CallhookError(
          'conflict',
          `delivery ${id} was delivered already; replay its endpoint to send the event again`,
          { deliveryId: id },
        );
      }
      const inFlight = row.leased_until !== null && row.leased_until > now;
      if (row.status === 'pending' && row.next_attempt_at !== null) {
        if (!inFlight) await setNextAttempt(c, id, now, now);
      } else {
        await c.query({
          name: 'dlv-2',
          text: `UPDATE deliveries SET status = 'pending', next_attempt_at = NULL, leased_until = NULL,
             updated_at = $2 WHERE id = $1`,
          values: [id, now],
        });
        await settleLane(c, { endpointId: row.endpoint_id, callId: row.call_id }, now);
      }
      await this.changes.notifyIn(c, { deliveries: true });
      const after = await c.query<DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE id = $1`,
        [id],
      );
      return after.rows[0] ? deliveryOf(after.rows[0]) : undefined;
    });
    if (retried) this.changes.publish({ deliveries: true });
    return retried;
  }

  async replay(endpointId: string, since: number, until: number, now: number): Promise<number> {
    if (!Number.isSafeInteger(since) || !Number.isSafeInteger(until) || since > until) {
      throw new CallhookError('validation_error', 'replay needs integer times with since ≤ until', {
        since,
        until,
      });
    }
    const count = await inTransaction(this.pool, async (c) => {
      await lock(c, [APPEND_LOCK]);
      await lock(c, [endpointLock(endpointId)]);
      const horizon = await horizonOf(c);
      if (since < horizon.removedBefore) throw retentionExpired(`replay since ${since}`, horizon);
      const { rows } = await c.query<EndpointRow>(
        `SELECT ${ENDPOINT_COLUMNS} FROM endpoints WHERE id = $1`,
        [endpointId],
      );
      if (!rows[0]) {
        throw new CallhookError('not_found', `endpoint ${endpointId} does not exist`, {
          endpointId,
        });
      }
      const queue = new PgReplayQueue(c, endpointId, endpointOf(rows[0]), now);
      let after = { at: since, position: 0 };
      for (;;) {
        const page = await c.query<EventFactsRow>(
          `SELECT ${EVENT_FACT_COLUMNS} FROM events
           WHERE occurred_at >= $1 AND occurred_at <= $2
             AND (occurred_at > $1 OR position > $3)
           ORDER BY occurred_at, position LIMIT $4`,
          [after.at, until, after.position, REPLAY_PAGE],
        );
        for (const event of page.rows) await queue.offer(event);
        const last = page.rows[page.rows.length - 1];
        if (!last || page.rows.length < REPLAY_PAGE) break;
        after = { at: last.occurred_at, position: last.position };
      }
      await queue.settle();
      if (queue.count > 0) await this.changes.notifyIn(c, { deliveries: true });
      return queue.count;
    });
    if (count > 0) this.changes.publish({ deliveries: true });
    return count;
  }

  /** Locks as replay does (append, then the endpoint): one lane rule across nodes. */
  async resendEvent(endpointId: string, eventId: string, now: number): Promise<DeliveryRecord> {
    const delivery = await inTransaction(this.pool, async (c) => {
      await lock(c, [APPEND_LOCK]);
      await lock(c, [endpointLock(endpointId)]);
      const endpoints = await c.query<EndpointRow>(
        `SELECT ${ENDPOINT_COLUMNS} FROM endpoints WHERE id = $1`,
        [endpointId],
      );
      if (!endpoints.rows[0]) throw unknownEndpointError(endpointId);
      const events = await c.query<EventFactsRow>(
        `SELECT ${EVENT_FACT_COLUMNS} FROM events WHERE id = $1`,
        [eventId],
      );
      const event = events.rows[0];
      if (!event) throw missingEventError(eventId, await horizonOf(c));
      const queue = new PgReplayQueue(c, endpointId, endpointOf(endpoints.rows[0]), now);
      if (!(await queue.offer(event))) throw notSubscribedError(endpointId, eventId, event.type);
      await queue.settle();
      const { rows } = await c.query<DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE id = $1`,
        [queue.lastDeliveryId],
      );
      if (!rows[0])
        throw new Error(`resendEvent: delivery ${queue.lastDeliveryId} was not written`);
      await this.changes.notifyIn(c, { deliveries: true });
      return deliveryOf(rows[0]);
    });
    this.changes.publish({ deliveries: true });
    return delivery;
  }

  private async withAttempts(rows: readonly DeliveryRow[]): Promise<WithAttempts[]> {
    const attempts = new Map<string, AttemptRecord[]>();
    if (rows.length > 0) {
      const found = await query<AttemptRow>(
        this.pool,
        `SELECT delivery_id, attempt, started_at, status_code, latency_ms, error, response_body
         FROM delivery_attempts WHERE delivery_id = ANY($1::text[])
         ORDER BY delivery_id, attempt`,
        [rows.map((r) => r.id)],
      );
      for (const row of found) {
        const list = attempts.get(row.delivery_id);
        if (list) list.push(attemptOf(row));
        else attempts.set(row.delivery_id, [attemptOf(row)]);
      }
    }
    return rows.map((row) => ({ ...deliveryOf(row), attempts: attempts.get(row.id) ?? [] }));
  }
}

/** Leases up to `n` due heads of each asked endpoint; rows another node has locked are skipped. */
async function leaseDue(
  c: pg.ClientBase,
  now: number,
  claim: DueClaim,
  asks: readonly { id: string; n: number }[],
): Promise<(DueRow & { ord: number })[]> {
  const { rows } = await c.query<DueRow & { ord: number }>({
    name: 'dlv-3',
    text: `WITH picked AS (
       SELECT p.id FROM unnest($1::text[], $2::integer[]) AS w(endpoint_id, n)
       CROSS JOIN LATERAL (
         SELECT d.id FROM deliveries AS d
         WHERE d.endpoint_id = w.endpoint_id AND d.status = 'pending'
           AND d.next_attempt_at IS NOT NULL AND d.next_attempt_at <= $3
           AND (d.leased_until IS NULL OR d.leased_until <= $3)
         ORDER BY d.next_attempt_at
         LIMIT w.n
         FOR UPDATE OF d SKIP LOCKED) AS p)
     UPDATE deliveries AS d SET
       attempt_count = d.attempt_count
         + CASE WHEN d.leased_by IS NOT NULL AND d.leased_by <> $4 THEN 1 ELSE 0 END,
       leased_until = $5, leased_by = $4
     FROM picked, endpoints AS e, events AS ev
     WHERE d.id = picked.id AND e.id = d.endpoint_id AND e.enabled
       AND ev.position = d.event_position
     RETURNING d.id, d.ord, d.endpoint_id, d.event_id, d.event_position, d.call_id, d.seq,
       d.previous_seq, d.event_type, d.status, d.attempt_count, d.next_attempt_at,
       d.leased_until, d.created_at, d.updated_at, e.url, e.secrets_json, ev.payload_json`,
    values: [asks.map((a) => a.id), asks.map((a) => a.n), now, claim.owner, claim.leaseUntil],
  });
  return rows;
}

const NOTHING_MISSED: MissedEvents = { events: 0, replayed: 0, firstAt: null, lastAt: null };

/** Writes the record; enabling or disabling resumes or parks the lanes. Returns the row before. */
async function writeEndpoint(c: pg.ClientBase, endpoint: EndpointRecord): Promise<EndpointRow> {
  const { rows } = await c.query<EndpointRow>(
    `SELECT ${ENDPOINT_COLUMNS} FROM endpoints WHERE id = $1 FOR UPDATE`,
    [endpoint.id],
  );
  const before = rows[0];
  if (!before) {
    throw new CallhookError('not_found', `endpoint ${endpoint.id} does not exist`, {
      id: endpoint.id,
    });
  }
  const p = endpointParams(endpoint);
  await c.query(
    `UPDATE endpoints SET
       url = $2, description = $3, event_types = $4, filter_stream_id = $5,
       filter_thread_id = $6, enabled = $7, disabled_reason = $8, secrets_json = $9,
       failing_since = $10,
       disabled_after_position = CASE
         WHEN $7 THEN NULL
         WHEN enabled THEN ${LOG_END}
         ELSE disabled_after_position END,
       updated_at = $11
     WHERE id = $1`,
    [
      p.id,
      p.url,
      p.description,
      p.eventTypes,
      p.filterStreamId,
      p.filterThreadId,
      endpoint.enabled,
      p.disabledReason,
      p.secretsJson,
      p.failingSince,
      p.updatedAt,
    ],
  );
  if ((before.enabled === 1) !== endpoint.enabled) {
    await setEndpointLanesEnabled(c, endpoint.id, endpoint.enabled, endpoint.updatedAt);
  }
  return before;
}

async function takeMissedEvents(
  c: pg.ClientBase,
  endpoint: EndpointRecord,
  afterPosition: number,
  replayMissed: boolean,
  now: number,
): Promise<MissedEvents> {
  const queue = new PgReplayQueue(c, endpoint.id, endpoint, now);
  const missed: MissedEvents = { events: 0, replayed: 0, firstAt: null, lastAt: null };
  let after = afterPosition;
  for (;;) {
    const { rows } = await c.query<EventFactsRow>(
      `SELECT ${EVENT_FACT_COLUMNS} FROM events WHERE position > $1 ORDER BY position LIMIT $2`,
      [after, REPLAY_PAGE],
    );
    for (const event of rows) {
      const selected = replayMissed ? await queue.offer(event) : queue.selects(event);
      if (!selected) continue;
      missed.events += 1;
      missed.firstAt = Math.min(missed.firstAt ?? event.occurred_at, event.occurred_at);
      missed.lastAt = Math.max(missed.lastAt ?? event.occurred_at, event.occurred_at);
    }
    const last = rows[rows.length - 1];
    if (!last || rows.length < REPLAY_PAGE) break;
    after = last.position;
  }
  await queue.settle();
  missed.replayed = queue.count;
  return missed;
}
