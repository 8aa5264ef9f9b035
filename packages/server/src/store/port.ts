import type { CallState, CallStatus, EngineEvent } from '../engine/call-state.ts';

// The storage port: everything the service needs from a database, and nothing about SQL.
// The embedded adapter is SQLite (store/sqlite/); a PostgreSQL adapter fills the same port.

/** An event as stored in the log, with its global position (the `/v1/events` cursor). */
export interface StoredEvent extends EngineEvent {
  position: number;
}

/** The saved response of a command made with an `Idempotency-Key`. */
export interface IdempotencyRecord {
  /** What the key is scoped to, e.g. `POST /v1/calls` or `POST /v1/calls/:id/end`. */
  scope: string;
  key: string;
  /** Hash of the request (method, route, body), to tell a replay from a misuse of the key. */
  requestHash: string;
  /** Whether the first request created the call: a replay answers exactly as it did. */
  created: boolean;
  /** The call as the first request returned it (a JSON `CallView`). */
  responseBody: string;
  createdAt: number;
}

/** What a command decided: state to write, events to append, a response to remember. */
export interface CommandOutcome<R> {
  /** The call's new state; undefined when nothing is to be written. */
  state?: CallState;
  /**
   * When the call next ends by itself if nothing happens (`nextDeadline` of engine/auto-end.ts),
   * computed by the service, which alone knows the engine's limits. Written with `state`, in
   * the same transaction; null or omitted: no deadline. Ignored without `state`.
   */
  deadlineAt?: number | null;
  /** Events to append to the log, in seq order. */
  events: readonly EngineEvent[];
  /** Saved with the state and events, in the same transaction. */
  idempotency?: IdempotencyRecord;
  /** Returned by `runCommand` to the caller. */
  result: R;
}

export interface CallListQuery {
  status?: CallStatus;
  threadId?: string;
  streamId?: string;
  limit: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
}

export interface EventQuery {
  /** Only events with a position greater than this. */
  after?: number;
  callId?: string;
  types?: readonly string[];
  limit: number;
}

export interface CallStore {
  /**
   * Runs `decide` on the call's current state (undefined when no such call) and on the saved
   * record of `idempotencyKey` (if given and known), inside one transaction, then writes what
   * it returns — state, events, idempotency record — all together or not at all. Commands on
   * one call never interleave. `decide` is synchronous and pure; if it throws, nothing is written.
   * Writing `state` also sets the call's deadline to `deadlineAt` and frees its deadline lease
   * (see claimDeadlines): whoever changed the call has dealt with its deadline.
   */
  runCommand<R>(
    callId: string,
    decide: (
      current: CallState | undefined,
      saved: IdempotencyRecord | undefined,
    ) => CommandOutcome<R>,
    options?: { idempotencyKey?: { scope: string; key: string } },
  ): Promise<R>;

  getIdempotency(scope: string, key: string): Promise<IdempotencyRecord | undefined>;
  getCall(callId: string): Promise<CallState | undefined>;
  listCalls(query: CallListQuery): Promise<{ calls: CallState[]; nextCursor: string | null }>;
  /** Every call not yet ended, oldest first. Loads them all: not for a running server's hot path. */
  listActiveCalls(): Promise<CallState[]>;
  countActiveCalls(): Promise<number>;

  // Auto-end deadlines. Each call carries the deadline written with its state (`deadlineAt`)
  // and a deadline lease: the node (`owner`) ending the call now, and until when. Any node may
  // end any call; the lease only keeps two nodes from doing the same work at once, and lets
  // another node take over when the owner dies. (Ending a call twice is harmless anyway: the
  // second command sees it ended, as commands on one call never interleave.)

  /**
   * Leases to `owner`, until `leaseUntil`, up to `limit` calls whose deadline is ≤ `now` and
   * whose lease is free, expired (its until ≤ `now`) or already `owner`'s; earliest deadline
   * first. Returns their ids. Atomic: of two owners claiming at once, only one gets a call.
   * A lease ends when the call is written (`runCommand` with a state) or when it expires.
   */
  claimDeadlines(owner: string, now: number, leaseUntil: number, limit: number): Promise<string[]>;
  /**
   * The earliest time at which `claimDeadlines` could return a call to some owner: over every
   * call with a deadline, the minimum of the later of its deadline and its lease's until. Null
   * when no call has a deadline. (A call leased to an owner counts at its lease's end, so a
   * node never spins on a deadline that another node is dealing with.)
   */
  nextDeadlineAt(): Promise<number | null>;
  /**
   * Up to `limit` active calls whose deadline was never written (rows from before deadlines
   * were stored, schema 3 in SQLite). The service computes one for each at start.
   */
  listCallsWithoutDeadline(limit: number): Promise<CallState[]>;
  /**
   * Writes these deadlines, in one transaction, to the calls that are still active and still
   * without one; a call written or ended since it was listed keeps what that write gave it.
   * Touches neither state nor lease.
   */
  fillMissingDeadlines(deadlines: readonly { callId: string; deadlineAt: number }[]): Promise<void>;

  /** Events in log order. */
  readEvents(query: EventQuery): Promise<StoredEvent[]>;
  /** Position of the newest event, 0 when the log is empty. */
  lastEventPosition(): Promise<number>;

  /** Cheap check that the database answers (for /readyz). */
  ping(): Promise<void>;
  /** Deletes idempotency records created before `olderThan` (ms); returns how many. */
  pruneIdempotency(olderThan: number): Promise<number>;
  close(): Promise<void>;
}
