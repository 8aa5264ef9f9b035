import type { CallEventType } from '@callhook/sdk';
import { type EndpointSelector, selects } from '../../delivery/subscription.ts';
import type { DueDelivery } from '../delivery-port.ts';
import {
  type DeliveryRow,
  deliveryOf,
  liveSecrets,
  outboxDeliveryId,
  outboxDeliveryTime,
  type ReplayEventRow,
} from '../delivery-rows.ts';
import type { DeliveryStatements, WindowEventRow } from './delivery-statements.ts';
import { DueHeap } from './due-heap.ts';
import type { EnabledEndpoints } from './enabled-endpoints.ts';

// The deferred outbox (docs/design/delivery.md, "The success path"). The event log is durable,
// and so is each enabled endpoint's outbox position: every event at or below it that the
// endpoint's subscription selects has its delivery row. The deliveries of the events after it
// are not written at commit: the dispatcher's claims read them from the log into this window,
// per endpoint, with their lanes in memory, and send the lane heads. A delivery that succeeds
// at its first attempt is then written once, delivered, with its attempt; only one that needs
// more (a retry, a failure, a late outcome) is written as a pending row, its lane's later
// deliveries behind it, and from there the row rules of delivery-lanes.ts apply. The outbox
// position moves up to the first delivery still in the window, in the same transaction.
//
// What a crash loses is the window: rebuilt from the log after the outbox position, skipping
// the positions above it that were written, it sends again what was in flight (same delivery
// id, same webhook-id). Everything that changes deliveries any other way (endpoint writes,
// retry, replay, resend) first writes the window out (`flush`), so that the row rules apply
// there, and a subscription change applies only to events after it, as when the outbox was
// written at commit. What only reads them (a listing, a lookup, the backlog) reads the window
// as the rows it would write (`readToEnd`, `rows`, `rowOf`, `backlog`) and writes nothing.
//
// One process holds the file (store/data-dir-lock.ts), so a window's leases live in memory.

/** A delivery not written yet: an event after the outbox position that the endpoint selects. */
interface Unwritten {
  id: string;
  endpointId: string;
  eventId: string;
  position: number;
  callId: string;
  seq: number;
  previousSeq: number;
  eventType: CallEventType;
  createdAt: number;
  body: string;
  /** Due time while it heads its lane; null while it waits behind the head. */
  dueAt: number | null;
  leasedBy: string | null;
  leasedUntil: number | null;
  attemptCount: number;
  /** waiting behind its lane's head; due (in the heap); leased (in flight); gone (written). */
  state: 'waiting' | 'due' | 'leased' | 'gone';
}

interface WindowLane {
  /** Its unwritten deliveries in seq order; the first heads the lane. */
  entries: Unwritten[];
  /** The highest seq queued in it: the next event's previous seq. */
  lastSeq: number;
}

/** An endpoint's deliveries not written yet: how many, and when the oldest was made. */
export interface UnwrittenBacklog {
  pending: number;
  oldestAt: number;
}

/** A window holds at most this many deliveries of one endpoint. */
export const WINDOW_CAPACITY = 4096;
/** The log is read into a window in pages of this many events. */
const READ_PAGE = 512;

class EndpointWindow {
  /** Every event at or below it is in the window, written, or not selected. */
  readEnd: number;
  /** The outbox position as written. */
  written: number;
  /** By log position, in log order. */
  readonly entries = new Map<number, Unwritten>();
  readonly lanes = new Map<string, WindowLane>();
  /** Heads not leased, oldest due first. */
  readonly due = new DueHeap<Unwritten>((e) => e.state === 'due');
  /** Heads leased: claimable again when their lease ends. */
  readonly leased = new Set<Unwritten>();
  /** Positions above the outbox position written before this window was made (a restart). */
  readonly writtenAbove: Set<number>;

  constructor(outboxPosition: number, writtenAbove: Set<number>) {
    this.readEnd = outboxPosition;
    this.written = outboxPosition;
    this.writtenAbove = writtenAbove;
  }

  /** The outbox position this window stands for: just below its first unwritten delivery. */
  position(): number {
    for (const position of this.entries.keys()) return position - 1;
    return this.readEnd;
  }
}

/** The outbox positions are written at most this often by the dispatcher's turns. */
export const POSITION_WRITE_INTERVAL_MS = 1_000;

/** nextDueAt looks this far into the events not read yet for the earliest one. */
const DUE_LOOKAHEAD = 64;

export class UnwrittenDeliveries {
  private readonly windows = new Map<string, EndpointWindow>();
  private readonly byId = new Map<string, Unwritten>();
  /** When writePositions last wrote (the caller's clock). */
  private positionsWrittenAt = Number.NEGATIVE_INFINITY;
  /** The log's last position as last known (commits tell it: `noteLogEnd`); null: ask. */
  private logEnd: number | null = null;

  constructor(
    private readonly st: DeliveryStatements,
    private readonly enabled: EnabledEndpoints,
  ) {}

  /** The unwritten delivery with this id, if the window holds it. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  endpointOf(id: string): string | undefined {
    return this.byId.get(id)?.endpointId;
  }

  /**
   * The endpoint whose unwritten delivery may have this id: one in a window, or one of an event
   * not read yet (the id says when the event happened, and is made from the endpoint and event
   * ids). Undefined when no enabled endpoint has such a delivery unwritten: a lookup of an
   * unknown id then writes nothing out.
   */
  endpointOfUnwritten(id: string): string | undefined {
    const inWindow = this.byId.get(id)?.endpointId;
    if (inWindow !== undefined) return inWindow;
    const at = outboxDeliveryTime(id);
    if (at === null) return undefined;
    for (const event of this.st.selectEventsAt.all({ at })) {
      for (const endpointId of this.enabled.ids()) {
        if (outboxDeliveryId(event.occurred_at, endpointId, event.id) !== id) continue;
        // Read into the window already and not there: written, or not selected.
        const window = this.windowOf(endpointId);
        return window !== undefined && event.position > window.readEnd ? endpointId : undefined;
      }
    }
    return undefined;
  }

  /**
   * Up to `limit` of the endpoint's due, unleased window heads (oldest due first), leased to
   * `owner` until `leaseUntil`, as LEASE_DELIVERY leases a row. Reads the log on first.
   */
  claim(
    endpointId: string,
    now: number,
    owner: string,
    leaseUntil: number,
    limit: number,
  ): DueDelivery[] {
    if (limit <= 0) return [];
    const window = this.fill(endpointId, now);
    if (window === undefined || window.entries.size === 0) return [];
    lapse(window, now);
    const first = window.due.peek();
    if (first === undefined || (first.dueAt as number) > now) return [];
    const endpoint = this.st.selectEndpoint.get({ id: endpointId });
    if (endpoint?.enabled !== 1) return [];
    const taken: Unwritten[] = [];
    for (
      let next: Unwritten | undefined = first;
      next !== undefined && taken.length < limit;
      next = window.due.peek()
    ) {
      if ((next.dueAt as number) > now) break;
      window.due.pop();
      next.state = 'leased';
      window.leased.add(next);
      taken.push(next);
    }
    const secrets = liveSecrets(endpoint.secrets_json, now);
    return taken.map((entry) => {
      // Taken over from another owner's lapsed lease: its attempt counts (LEASE_DELIVERY).
      if (entry.leasedBy !== null && entry.leasedBy !== owner) entry.attemptCount += 1;
      entry.leasedBy = owner;
      entry.leasedUntil = leaseUntil;
      return {
        ...deliveryOf(asRow(entry)),
        url: endpoint.url,
        secrets: [...secrets],
        body: entry.body,
      };
    });
  }

  /**
   * The lease holder's first `delivered`: written once, delivered, and its lane's next is due
   * at `now`. Returns false when the outcome is anything else (the caller writes the lane out
   * with `writeLaneOf` and takes the row path).
   */
  settleDelivered(id: string, owner: string, attempt: number, now: number): boolean {
    const entry = this.byId.get(id);
    if (!entry || entry.leasedBy !== owner) return false;
    const window = this.windows.get(entry.endpointId);
    const lane = window?.lanes.get(entry.callId);
    if (!window || !lane || lane.entries[0] !== entry) return false;
    this.st.insertDeliveryRow.run({
      ...asRow(entry),
      status: 'delivered',
      attempt_count: Math.max(entry.attemptCount, attempt),
      next_attempt_at: null,
      leased_until: null,
      leased_by: null,
      updated_at: now,
    });
    this.remove(window, entry);
    lane.entries.shift();
    const next = lane.entries[0];
    if (next) makeDue(window, next, now);
    else window.lanes.delete(entry.callId);
    return true;
  }

  /** Writes the lane of this unwritten delivery out as rows (it and the ones behind it). */
  writeLaneOf(id: string): void {
    const entry = this.byId.get(id);
    if (!entry) return;
    const window = this.windows.get(entry.endpointId);
    const lane = window?.lanes.get(entry.callId);
    if (!window || !lane) return;
    for (const e of lane.entries) this.writeRow(window, e);
    window.lanes.delete(entry.callId);
  }

  /**
   * Writes every delivery of the endpoint that is not written yet — its window, then the rest
   * of the log — and moves its outbox position to the log's end. Runs in the caller's
   * transaction. The window is dropped: the next claim makes it again from the rows.
   */
  flush(endpointId: string): void {
    const window = this.windowOf(endpointId);
    if (window === undefined) return;
    for (const lane of window.lanes.values()) {
      for (const entry of lane.entries) this.writeRow(window, entry);
    }
    window.lanes.clear();
    const selector = this.enabled.selectorOf(endpointId);
    while (selector) {
      const rows = this.st.selectWindowEvents.all({ after: window.readEnd, limit: READ_PAGE });
      for (const event of rows) {
        window.readEnd = event.position;
        if (window.writtenAbove.delete(event.position)) continue;
        if (!selects(selector, factsOf(event))) continue;
        this.st.insertOutboxDelivery.run(outboxParams(endpointId, event));
      }
      if (rows.length < READ_PAGE) break;
    }
    const end = this.st.selectLogEnd.get()?.position ?? 0;
    window.readEnd = Math.max(window.readEnd, end);
    this.st.setOutboxPosition.run({ id: endpointId, position: window.readEnd });
    this.windows.delete(endpointId);
  }

  /** `flush` for every enabled endpoint. */
  flushAll(): void {
    for (const id of this.enabled.ids()) this.flush(id);
  }

  /** Whether the endpoint has deliveries not written yet (a cheap look, no write). */
  hasUnwritten(endpointId: string): boolean {
    const window = this.windows.get(endpointId);
    if (window && window.entries.size > 0) return true;
    const position = window
      ? window.readEnd
      : this.st.selectOutboxPosition.get({ id: endpointId })?.outbox_position;
    if (position === undefined) return false;
    return (this.st.selectLogEnd.get()?.position ?? 0) > position;
  }

  /**
   * `owner`'s leases end and those heads are due at once (RELEASE_LEASES for rows). A window
   * dies with its process, so at a start there is none: this matters within one life only.
   */
  releaseLeases(owner: string, now: number): number {
    let released = 0;
    for (const window of this.windows.values()) {
      for (const entry of [...window.leased]) {
        if (entry.leasedBy !== owner) continue;
        entry.leasedBy = null;
        entry.leasedUntil = null;
        window.leased.delete(entry);
        makeDue(window, entry, Math.min(entry.dueAt ?? now, now));
        released += 1;
      }
    }
    return released;
  }

  /**
   * Per enabled endpoint with any, its deliveries not written yet: the window's, and the events
   * after it its subscription selects (read, not written: a metrics scrape during a backlog
   * must not write the backlog out).
   */
  backlog(): Map<string, UnwrittenBacklog> {
    const out = new Map<string, UnwrittenBacklog>();
    for (const id of this.enabled.ids()) {
      const window = this.windowOf(id);
      const selector = this.enabled.selectorOf(id);
      if (!window || !selector) continue;
      let pending = window.entries.size;
      let oldestAt = Number.POSITIVE_INFINITY;
      for (const entry of window.entries.values()) oldestAt = Math.min(oldestAt, entry.createdAt);
      for (let after = window.readEnd; ; ) {
        const rows = this.st.selectEventsAfter.all({ afterPosition: after, limit: READ_PAGE });
        for (const event of rows) {
          if (window.writtenAbove.has(event.position)) continue;
          if (!selects(selector, factsOf(event))) continue;
          pending += 1;
          oldestAt = Math.min(oldestAt, event.occurred_at);
        }
        const last = rows[rows.length - 1];
        if (!last || rows.length < READ_PAGE) break;
        after = last.position;
      }
      if (pending > 0) out.set(id, { pending, oldestAt });
    }
    return out;
  }

  /**
   * Writes each window's outbox position where it moved, in the caller's transaction: at most
   * once per POSITION_WRITE_INTERVAL_MS of `now`, or at once when `now` is null.
   */
  writePositions(now: number | null): void {
    // The written position may lag (a restart reads the window from it again and skips the
    // rows written above it): written at every turn, it rewrote the endpoint's page in every
    // commit. `null` writes now (retention, which reads them).
    if (now !== null) {
      if (now < this.positionsWrittenAt + POSITION_WRITE_INTERVAL_MS) return;
      this.positionsWrittenAt = now;
    }
    for (const [id, window] of this.windows) {
      const position = window.position();
      if (position !== window.written) {
        this.st.setOutboxPosition.run({ id, position });
        window.written = position;
      }
    }
  }

  /**
   * Earliest due time among window heads (leased or not), or the time of the first event not
   * read yet by some enabled endpoint's window; null if none.
   */
  nextDueAt(): number | null {
    let at: number | null = null;
    let readFrom = Number.POSITIVE_INFINITY;
    for (const id of this.enabled.ids()) {
      const window = this.windowOf(id);
      if (!window) continue;
      readFrom = Math.min(readFrom, window.readEnd);
      const top = window.due.peek();
      if (top?.dueAt != null && (at === null || top.dueAt < at)) at = top.dueAt;
      for (const head of window.leased) {
        if (head.dueAt !== null && (at === null || head.dueAt < at)) at = head.dueAt;
      }
    }
    this.logEnd ??= this.st.selectLogEnd.get()?.position ?? 0;
    if (Number.isFinite(readFrom) && readFrom < this.logEnd) {
      // The earliest of the next events not read yet (due when they happened); a later one
      // is found once those are read, at the claim this time wakes.
      const next = this.st.selectFirstEventAfter.get({ after: readFrom, limit: DUE_LOOKAHEAD });
      if (next?.at != null && (at === null || next.at < at)) at = next.at;
    }
    return at;
  }

  /** A commit appended events up to `position`. */
  noteLogEnd(position: number): void {
    if (this.logEnd !== null && position > this.logEnd) this.logEnd = position;
  }

  /** Forget everything in memory (a transaction rolled back, or the endpoints changed). */
  reset(endpointId?: string): void {
    if (endpointId === undefined) {
      this.logEnd = null;
      this.windows.clear();
      this.byId.clear();
      return;
    }
    const window = this.windows.get(endpointId);
    if (!window) return;
    for (const entry of window.entries.values()) this.byId.delete(entry.id);
    this.windows.delete(endpointId);
  }

  /** The endpoint's window, made from its outbox position if there is none; undefined if disabled. */
  private windowOf(endpointId: string): EndpointWindow | undefined {
    let window = this.windows.get(endpointId);
    if (window) return window;
    const row = this.st.selectOutboxPosition.get({ id: endpointId });
    if (row?.enabled !== 1) return undefined;
    const above = new Set(
      this.st.selectWrittenAbove
        .all({ endpointId, after: row.outbox_position })
        .map((r) => r.event_position),
    );
    window = new EndpointWindow(row.outbox_position, above);
    this.windows.set(endpointId, window);
    return window;
  }

  /** Reads the log after the window's end into it, up to its capacity. */
  private fill(endpointId: string, now: number): EndpointWindow | undefined {
    const window = this.windowOf(endpointId);
    if (!window) return undefined;
    const selector = this.enabled.selectorOf(endpointId);
    if (!selector) return window;
    if (window.entries.size >= WINDOW_CAPACITY && !this.anyClaimable(window, now)) {
      // Full, and every head in flight: what waits goes to rows, so that the calls behind
      // them in the log are not held back by them (calls never wait on each other).
      for (const lane of window.lanes.values()) {
        for (const entry of lane.entries) this.writeRow(window, entry);
      }
      window.lanes.clear();
    }
    this.read(window, endpointId, selector);
    return window;
  }

  private read(window: EndpointWindow, endpointId: string, selector: EndpointSelector): void {
    while (window.entries.size < WINDOW_CAPACITY) {
      const rows = this.st.selectWindowEvents.all({ after: window.readEnd, limit: READ_PAGE });
      for (const event of rows) {
        window.readEnd = event.position;
        if (window.writtenAbove.delete(event.position)) continue;
        if (!selects(selector, factsOf(event))) continue;
        this.add(window, endpointId, event);
      }
      if (rows.length < READ_PAGE) break;
    }
  }

  /**
   * Reads the rest of the log into the endpoint's window, in the caller's transaction, as a
   * claim reads it (an event behind a lane's pending rows is written as a row there). False
   * when more is unread than a window holds (the caller writes the endpoint out instead).
   */
  readToEnd(endpointId: string): boolean {
    const window = this.windowOf(endpointId);
    if (!window) return true; // disabled: written out when it was
    const selector = this.enabled.selectorOf(endpointId);
    if (!selector) return false;
    this.read(window, endpointId, selector);
    return window.readEnd >= (this.st.selectLogEnd.get()?.position ?? 0);
  }

  /** The deliveries the endpoint's window holds, as their rows (what a listing shows). */
  rows(endpointId: string): DeliveryRow[] {
    const window = this.windows.get(endpointId);
    return window ? [...window.entries.values()].map(asRow) : [];
  }

  /** The unwritten delivery with this id as its row, if a window holds it. */
  rowOf(id: string): DeliveryRow | undefined {
    const entry = this.byId.get(id);
    return entry ? asRow(entry) : undefined;
  }

  private anyClaimable(window: EndpointWindow, now: number): boolean {
    lapse(window, now);
    const top = window.due.peek();
    return top !== undefined && (top.dueAt as number) <= now;
  }

  /** An event the endpoint selects: into its call's window lane, or behind the lane's rows. */
  private add(window: EndpointWindow, endpointId: string, event: WindowEventRow): void {
    let lane = window.lanes.get(event.call_id);
    if (!lane) {
      const state = this.st.selectLaneState.get({ endpointId, callId: event.call_id });
      if (state?.pending === 1) {
        // The lane has rows pending (a retry, a failure): the event waits behind them, as a row.
        this.st.insertOutboxDelivery.run(outboxParams(endpointId, event));
        return;
      }
      lane = { entries: [], lastSeq: state?.last_seq ?? 0 };
      window.lanes.set(event.call_id, lane);
    }
    const entry: Unwritten = {
      id: outboxDeliveryId(event.occurred_at, endpointId, event.id),
      endpointId,
      eventId: event.id,
      position: event.position,
      callId: event.call_id,
      seq: event.seq,
      previousSeq: lane.lastSeq,
      eventType: event.type as CallEventType,
      createdAt: event.occurred_at,
      body: event.payload_json,
      // Due when the event happened (the engine's clock), unless it waits behind its lane's head.
      dueAt: lane.entries.length === 0 ? event.occurred_at : null,
      leasedBy: null,
      leasedUntil: null,
      attemptCount: 0,
      state: lane.entries.length === 0 ? 'due' : 'waiting',
    };
    if (entry.state === 'due') window.due.push(entry);
    lane.entries.push(entry);
    lane.lastSeq = Math.max(lane.lastSeq, event.seq);
    window.entries.set(entry.position, entry);
    this.byId.set(entry.id, entry);
  }

  /** Writes one unwritten delivery as its row, in its state: a head (maybe leased) or waiting. */
  private writeRow(window: EndpointWindow, entry: Unwritten): void {
    this.st.insertDeliveryRow.run({ ...asRow(entry), leased_by: entry.leasedBy });
    this.remove(window, entry);
  }

  private remove(window: EndpointWindow, entry: Unwritten): void {
    entry.state = 'gone';
    window.leased.delete(entry);
    window.entries.delete(entry.position);
    this.byId.delete(entry.id);
  }
}

/** A lane's new head (or a released one): due at `at`, in the heap. */
function makeDue(window: EndpointWindow, entry: Unwritten, at: number): void {
  entry.dueAt = at;
  entry.state = 'due';
  window.due.push(entry);
}

/** Heads whose lease has ended are claimable again (by anyone), at their due time. */
function lapse(window: EndpointWindow, now: number): void {
  for (const entry of window.leased) {
    if (entry.leasedUntil !== null && entry.leasedUntil <= now) {
      window.leased.delete(entry);
      entry.state = 'due';
      window.due.push(entry);
    }
  }
}

function factsOf(event: ReplayEventRow) {
  return { type: event.type, streamId: event.stream_id, threadId: event.thread_id };
}

/**
 * An unwritten delivery as its row: pending, a head (maybe leased) or waiting. What `writeRow`
 * writes, what a listing or a lookup shows, and what a claim hands the dispatcher.
 */
function asRow(entry: Unwritten): DeliveryRow {
  return {
    id: entry.id,
    endpoint_id: entry.endpointId,
    event_id: entry.eventId,
    event_position: entry.position,
    call_id: entry.callId,
    seq: entry.seq,
    previous_seq: entry.previousSeq,
    event_type: entry.eventType,
    status: 'pending',
    attempt_count: entry.attemptCount,
    next_attempt_at: entry.dueAt,
    leased_until: entry.leasedUntil,
    created_at: entry.createdAt,
    updated_at: Math.max(entry.createdAt, entry.dueAt ?? entry.createdAt),
  };
}

/** INSERT_OUTBOX_DELIVERY's parameters: the row rules give it its previous seq and its place. */
function outboxParams(endpointId: string, event: WindowEventRow) {
  return {
    id: outboxDeliveryId(event.occurred_at, endpointId, event.id),
    endpointId,
    eventId: event.id,
    eventPosition: event.position,
    callId: event.call_id,
    seq: event.seq,
    eventType: event.type,
    now: event.occurred_at,
  };
}
