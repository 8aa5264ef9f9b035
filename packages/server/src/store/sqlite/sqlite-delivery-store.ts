import Database from 'better-sqlite3';
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
  attemptOf,
  type DeliveryRow,
  deliveryOf,
  type EndpointRow,
  endpointOf,
  endpointParams,
} from '../delivery-rows.ts';
import { InProcessChangeFeed } from '../in-process-change-feed.ts';
import { decodePageCursor } from '../page-cursor.ts';
import { checkClaim, checkOwner, checkPageLimit, pageOf } from '../port-checks.ts';
import type { RetentionHorizon } from '../retention-port.ts';
import { retentionExpired } from '../retention-port.ts';
import { claimDue, recordOutcomes } from './claims-and-outcomes.ts';
import { setEndpointLanesEnabled } from './delivery-lanes.ts';
import { type DeliveryStatements, prepareDeliveryStatements } from './delivery-statements.ts';
import { EnabledEndpoints } from './enabled-endpoints.ts';
import { takeMissedEvents } from './missed-events.ts';
import { replay, resendEvent, retryDelivery } from './retry-and-replay.ts';
import { type UnwrittenBacklog, UnwrittenDeliveries } from './unwritten-deliveries.ts';

export const MAX_DELIVERY_PAGE = 500;

type WithAttempts = DeliveryRecord & { attempts: AttemptRecord[] };

/**
 * The delivery half of the embedded store, on the connection (and in the file) of the call
 * store: `SqliteStore.deliveries`. Its outbox is deferred: a command writes its events only,
 * and the deliveries are read from the log (unwritten-deliveries.ts).
 */
export class SqliteDeliveryStore implements DeliveryStore {
  private readonly st: DeliveryStatements;
  /** The deliveries of logged events not written yet, per endpoint (the deferred outbox). */
  private readonly unwritten: UnwrittenDeliveries;
  private readonly enabled: EnabledEndpoints;
  private readonly tx: {
    recordAndClaim: (
      outcomes: readonly AttemptOutcome[],
      now: number,
      claim: DueClaim | null,
    ) => DueDelivery[];
    updateEndpoint: (endpoint: EndpointRecord) => void;
    enableEndpoint: (endpoint: EndpointRecord, replayMissed: boolean) => MissedEvents;
    readToEnd: (endpointId: string) => boolean;
    flush: (endpointIds: readonly string[] | null) => void;
    retryDelivery: (id: string, now: number) => DeliveryRecord | undefined;
    replay: (endpointId: string, since: number, until: number, now: number) => number;
    resendEvent: (endpointId: string, eventId: string, now: number) => DeliveryRecord;
  };

  /** Where this store tells, after its commits, what changed (wakes the dispatcher, SSE). */
  private readonly changes: InProcessChangeFeed;
  /** Rotates the endpoint a claim starts with (claimDue). */
  private claimTurn = 0;
  /** An outcome of the running transaction disabled an endpoint (told after the commit). */
  private disabledInTransaction = false;

  /** What retention removed (replay refuses to start before it). */
  private readonly horizon: () => RetentionHorizon;

  constructor(
    db: Database.Database,
    changes = new InProcessChangeFeed(),
    horizon: () => RetentionHorizon = () => ({ removedThrough: 0, removedBefore: 0 }),
  ) {
    this.horizon = horizon;
    const st = prepareDeliveryStatements(db);
    this.st = st;
    this.changes = changes;
    this.enabled = new EnabledEndpoints(st);
    // The cached subscriptions are stale after any endpoint change (on N nodes: any node's).
    changes.subscribe((notice) => {
      if (notice.endpoints) this.enabled.invalidate();
      if (notice.events) this.unwritten.noteLogEnd(notice.events.lastPosition);
    });
    this.unwritten = new UnwrittenDeliveries(st, this.enabled);
    // IMMEDIATE: take the write lock before reading what is about to be changed.
    const immediate = <A extends unknown[], R>(fn: (...args: A) => R) => {
      const t = db.transaction(fn);
      return (...args: A): R => t.immediate(...args);
    };
    this.tx = {
      recordAndClaim: immediate(
        (outcomes: readonly AttemptOutcome[], now: number, claim: DueClaim | null) => {
          const u = this.unwritten;
          if (outcomes.length > 0 && recordOutcomes(st, outcomes, now, u).disabledEndpoint) {
            this.enabled.invalidate();
            this.disabledInTransaction = true;
          }
          // Every enabled endpoint excluded (busy) or none enabled: nothing can be claimed.
          // Without this the due scan would walk every due head of the busy endpoints.
          if (claim === null || this.enabled.allIn(unclaimable(claim))) {
            u.writePositions(now);
            return [];
          }
          this.claimTurn += 1;
          const claimed = claimDue(st, now, claim, this.enabled.ids(), this.claimTurn, u);
          u.writePositions(now);
          return claimed;
        },
      ),
      updateEndpoint: immediate((endpoint: EndpointRecord) => {
        this.unwritten.flush(endpoint.id);
        writeEndpoint(st, endpoint);
      }),
      enableEndpoint: immediate((endpoint: EndpointRecord, replayMissed: boolean) => {
        if (!endpoint.enabled) throw new RangeError('enableEndpoint: the record must be enabled');
        this.unwritten.flush(endpoint.id);
        const before = writeEndpoint(st, endpoint);
        const at = before.enabled === 1 ? null : before.disabled_after_position;
        // Enabled already (or disabled before positions were kept): nothing is known missed.
        if (at === null) return { ...NOTHING_MISSED };
        return takeMissedEvents(st, endpoint, at, replayMissed, endpoint.updatedAt);
      }),
      readToEnd: immediate((endpointId: string) => this.unwritten.readToEnd(endpointId)),
      flush: immediate((endpointIds: readonly string[] | null) => {
        for (const id of endpointIds ?? this.enabled.ids()) this.unwritten.flush(id);
      }),
      retryDelivery: immediate((id: string, now: number) => {
        // Not written yet (so pending, nothing to refuse): written out first, then retried.
        const unwrittenOf = this.unwritten.endpointOfUnwritten(id);
        if (unwrittenOf !== undefined) this.unwritten.flush(unwrittenOf);
        return retryDelivery(st, id, now, (endpointId) => this.unwritten.flush(endpointId));
      }),
      replay: immediate((endpointId: string, since: number, until: number, now: number) => {
        this.unwritten.flush(endpointId);
        return replay(st, endpointId, since, until, now);
      }),
      resendEvent: immediate((endpointId: string, eventId: string, now: number) =>
        resendEvent(st, endpointId, eventId, now, this.horizon(), () =>
          this.unwritten.flush(endpointId),
        ),
      ),
    };
  }

  async createEndpoint(endpoint: EndpointRecord): Promise<void> {
    try {
      this.st.insertEndpoint.run(endpointParams(endpoint));
    } catch (error) {
      if (error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new CallhookError('conflict', `endpoint ${endpoint.id} exists already`, {
          endpointId: endpoint.id,
        });
      }
      throw error;
    } finally {
      this.changes.publish({ endpoints: true });
    }
  }

  async getEndpoint(id: string): Promise<EndpointRecord | undefined> {
    const row = this.st.selectEndpoint.get({ id });
    return row ? endpointOf(row) : undefined;
  }

  async listEndpoints(query: { limit: number; cursor?: string }): Promise<Page<EndpointRecord>> {
    checkPageLimit(query.limit, MAX_DELIVERY_PAGE);
    const before = decodePageCursor(query.cursor);
    const rows = this.st.selectEndpointPage.all({
      beforeCreatedAt: before.createdAt,
      beforeId: before.id,
      limit: query.limit + 1,
    });
    return pageOf(rows, query.limit, endpointOf);
  }

  /** Enabling or disabling also resumes or parks the endpoint's lanes, in the same transaction. */
  async updateEndpoint(endpoint: EndpointRecord): Promise<void> {
    try {
      this.tx.updateEndpoint(endpoint);
    } finally {
      this.unwritten.reset(endpoint.id);
      this.changes.publish({ endpoints: true });
    }
  }

  async enableEndpoint(
    endpoint: EndpointRecord,
    options: { replayMissed: boolean },
  ): Promise<MissedEvents> {
    try {
      return this.tx.enableEndpoint(endpoint, options.replayMissed);
    } finally {
      this.unwritten.reset(endpoint.id);
      this.changes.publish({ endpoints: true });
    }
  }

  async deleteEndpoint(id: string): Promise<boolean> {
    try {
      return this.st.deleteEndpoint.run({ id }).changes > 0;
    } finally {
      this.unwritten.reset(id);
      this.changes.publish({ endpoints: true });
    }
  }

  async listDeliveries(
    endpointId: string,
    query: { status?: DeliveryStatus; limit: number; cursor?: string },
  ): Promise<Page<WithAttempts>> {
    checkPageLimit(query.limit, MAX_DELIVERY_PAGE);
    const before = decodePageCursor(query.cursor);
    // What is not written yet is listed as the rows it will be (pending), from the window;
    // written out first only when more is unread than a window holds.
    let unwritten: DeliveryRow[] = [];
    if (query.status === undefined || query.status === 'pending') {
      this.readUnwritten(endpointId);
      unwritten = this.unwritten.rows(endpointId).filter((row) => isBefore(row, before));
    }
    const params = {
      endpointId,
      status: query.status,
      beforeCreatedAt: before.createdAt,
      beforeId: before.id,
      limit: query.limit + 1,
    };
    const rows =
      query.status === undefined
        ? this.st.selectDeliveryPage.all(params)
        : this.st.selectDeliveryPageByStatus.all(params);
    const merged =
      unwritten.length === 0
        ? rows
        : [...rows, ...unwritten].sort(newestFirst).slice(0, params.limit);
    const page = pageOf(merged, query.limit, (row) => row);
    return { items: this.withAttempts(page.items), nextCursor: page.nextCursor };
  }

  async getDelivery(id: string): Promise<WithAttempts | undefined> {
    let row = this.st.selectDelivery.get({ id }) ?? this.unwritten.rowOf(id);
    if (!row) {
      // Maybe a delivery of an event not read yet (its id is made from the endpoint and the
      // event, the same after a restart): read into its endpoint's window (or written out,
      // past a window's capacity), it is found. An unknown id reads and writes nothing.
      const endpointId = this.unwritten.endpointOfUnwritten(id);
      if (endpointId !== undefined) {
        this.readUnwritten(endpointId);
        row = this.unwritten.rowOf(id) ?? this.st.selectDelivery.get({ id });
      }
    }
    return row ? this.withAttempts([row])[0] : undefined;
  }

  /**
   * Reads the log after the endpoint's window into it (a transaction: reading may write an
   * event behind a lane's pending rows as a row); when more is unread than a window holds,
   * writes the endpoint out instead.
   */
  private readUnwritten(endpointId: string): void {
    if (!this.unwritten.hasUnwritten(endpointId)) return;
    let readToEnd: boolean;
    try {
      readToEnd = this.tx.readToEnd(endpointId);
    } catch (error) {
      this.unwritten.reset();
      throw error;
    }
    if (!readToEnd) this.writeUnwritten([endpointId]);
  }

  /** A claim alone: recordAndClaim with no outcomes. */
  async claimDue(now: number, claim: DueClaim): Promise<DueDelivery[]> {
    return this.recordAndClaim([], now, claim);
  }

  async recordAndClaim(
    outcomes: readonly AttemptOutcome[],
    now: number,
    claim: DueClaim | null,
  ): Promise<DueDelivery[]> {
    if (claim !== null) checkClaim(now, claim);
    // Nothing to write and nothing claimable: no transaction at all (a busy endpoint's turns).
    const claimable = claim !== null && !this.enabled.allIn(unclaimable(claim));
    if (outcomes.length === 0 && !claimable) return [];
    this.disabledInTransaction = false;
    try {
      const claimed = this.tx.recordAndClaim(outcomes, now, claim);
      if (this.disabledInTransaction) this.changes.publish({ endpoints: true });
      return claimed;
    } catch (error) {
      // Rolled back: a disable among the outcomes did not happen after all, and the windows
      // are made again from what is written.
      this.enabled.invalidate();
      this.unwritten.reset();
      throw error;
    }
  }

  /** Outcomes alone: recordAndClaim with no claim. */
  async recordOutcomes(outcomes: readonly AttemptOutcome[], now: number): Promise<void> {
    await this.recordAndClaim(outcomes, now, null);
  }

  async nextDueAt(): Promise<number | null> {
    const row = this.st.selectNextDue.get()?.at ?? null;
    const unwritten = this.unwritten.nextDueAt();
    if (row === null) return unwritten;
    return unwritten === null ? row : Math.min(row, unwritten);
  }

  /** Writes the outbox positions where they moved, in the caller's transaction (retention). */
  writeOutboxPositions(): void {
    this.unwritten.writePositions(null);
  }

  /** Per endpoint, its deliveries not written yet (the backlog's figures; nothing is written). */
  unwrittenBacklog(): ReadonlyMap<string, UnwrittenBacklog> {
    return this.unwritten.backlog();
  }

  /**
   * Writes the deliveries not written yet (the deferred outbox) of these endpoints, or of every
   * enabled one: after it, the rows are every delivery of every logged event (what a listing
   * reads; tests that read the rows).
   */
  writeUnwritten(endpointIds: readonly string[] | null = null): void {
    try {
      this.tx.flush(endpointIds);
    } catch (error) {
      this.unwritten.reset();
      throw error;
    }
  }

  /** Only `owner`'s leases: another node's may be in flight right now. */
  async releaseLeases(owner: string, now: number): Promise<number> {
    checkOwner(owner);
    return (
      this.st.releaseLeases.run({ owner, now }).changes + this.unwritten.releaseLeases(owner, now)
    );
  }

  /** A delivered delivery is refused (`conflict`): replay sends an event again. */
  async retryDelivery(id: string, now: number): Promise<DeliveryRecord | undefined> {
    const retried = this.tx.retryDelivery(id, now);
    if (retried) this.changes.publish({ deliveries: true });
    return retried;
  }

  /** Throws `not_found` for an unknown endpoint, `validation_error` for since > until. */
  async replay(endpointId: string, since: number, until: number, now: number): Promise<number> {
    if (!Number.isSafeInteger(since) || !Number.isSafeInteger(until) || since > until) {
      throw new CallhookError('validation_error', 'replay needs integer times with since ≤ until', {
        since,
        until,
      });
    }
    const horizon = this.horizon();
    if (since < horizon.removedBefore) throw retentionExpired(`replay since ${since}`, horizon);
    const count = this.tx.replay(endpointId, since, until, now);
    if (count > 0) this.changes.publish({ deliveries: true });
    return count;
  }

  /** Throws `not_found`, `retention_expired` or `conflict` (delivery-port.ts). */
  async resendEvent(endpointId: string, eventId: string, now: number): Promise<DeliveryRecord> {
    const delivery = this.tx.resendEvent(endpointId, eventId, now);
    this.changes.publish({ deliveries: true });
    return delivery;
  }

  /** Attaches to each delivery its attempts, read in one statement. */
  private withAttempts(rows: readonly DeliveryRow[]): WithAttempts[] {
    const attempts = new Map<string, AttemptRecord[]>();
    if (rows.length > 0) {
      const ids = JSON.stringify(rows.map((r) => r.id));
      for (const row of this.st.selectAttemptsOf.all({ ids })) {
        const list = attempts.get(row.delivery_id);
        if (list) list.push(attemptOf(row));
        else attempts.set(row.delivery_id, [attemptOf(row)]);
      }
    }
    return rows.map((row) => ({ ...deliveryOf(row), attempts: attempts.get(row.id) ?? [] }));
  }
}

/** Before the page key in the listing's order (created_at, then id, newest first). */
function isBefore(row: DeliveryRow, key: { createdAt: number; id: string }): boolean {
  return row.created_at < key.createdAt || (row.created_at === key.createdAt && row.id < key.id);
}

function newestFirst(a: DeliveryRow, b: DeliveryRow): number {
  if (a.created_at !== b.created_at) return b.created_at - a.created_at;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

const NOTHING_MISSED: MissedEvents = { events: 0, replayed: 0, firstAt: null, lastAt: null };

/** Writes the record; enabling or disabling resumes or parks the lanes. Returns the row before. */
function writeEndpoint(st: DeliveryStatements, endpoint: EndpointRecord): EndpointRow {
  const before = st.selectEndpoint.get({ id: endpoint.id });
  if (!before) throw notFound('endpoint', endpoint.id);
  st.updateEndpoint.run(endpointParams(endpoint));
  if ((before.enabled === 1) !== endpoint.enabled) {
    setEndpointLanesEnabled(st, endpoint.id, endpoint.enabled, endpoint.updatedAt);
  }
  return before;
}

/** Endpoints a claim can take nothing of: excluded, or holding their whole share already. */
function unclaimable(claim: DueClaim): string[] {
  const ids = [...(claim.excludeEndpointIds ?? [])];
  const cap = claim.perEndpoint;
  if (cap?.inFlight) {
    for (const [id, n] of Object.entries(cap.inFlight)) if (n >= cap.limit) ids.push(id);
  }
  return ids;
}

function notFound(what: string, id: string): CallhookError {
  return new CallhookError('not_found', `${what} ${id} does not exist`, { id });
}
