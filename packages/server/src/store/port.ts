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
  statusCode: number;
  responseBody: string;
  createdAt: number;
}

/** What a command decided: state to write, events to append, a response to remember. */
export interface CommandOutcome<R> {
  /** The call's new state; undefined when nothing is to be written. */
  state?: CallState;
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
  /** Every call not yet ended (to re-arm auto-end timers after a restart). */
  listActiveCalls(): Promise<CallState[]>;
  countActiveCalls(): Promise<number>;

  /** Events in log order. */
  readEvents(query: EventQuery): Promise<StoredEvent[]>;
  /** Position of the newest event, 0 when the log is empty. */
  lastEventPosition(): Promise<number>;

  /** Cheap check that the database answers (for /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
