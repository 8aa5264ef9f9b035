import type { CallEventOf, CallEventType } from '@callhook/sdk';

/** Where a participant stands (docs/contract.md §2). `removed` users may be invited again. */
export type ParticipantState = 'invited' | 'joined' | 'paused' | 'removed';

export interface Participant {
  userId: string;
  state: ParticipantState;
  /** When the user was (last) invited. */
  invitedAt: number;
}

export type CallStatus = 'active' | 'ended';

export type EndReason = 'ended' | 'last_participant_removed' | 'idle_timeout' | 'max_duration';

/**
 * The authoritative state of one call. Plain JSON-serialisable data: the store keeps it
 * as is, and the engine derives everything else (deadlines, durations) from it.
 */
export interface CallState {
  callId: string;
  threadId: string;
  streamId: string;
  status: CallStatus;
  /** Clock time of creation (also the body's `createdAt`). */
  createdAt: number;
  endedAt: number | null;
  endReason: EndReason | null;
  /** seq of the last event emitted for this call (call.created is 1). */
  lastSeq: number;
  /** Clock time of the last change; later changes are never stamped earlier than this. */
  updatedAt: number;
  /** Participants in invitation order (removed ones stay, with state `removed`). */
  participants: Participant[];
  /** Whether any user was ever invited (the "last participant removed" end needs one). */
  everInvited: boolean;
  /** Milliseconds of dialog (≥ 2 joined at once) accumulated before `dialogSince`. */
  dialogMs: number;
  /** Clock time since which ≥ 2 participants have been joined, or null. */
  dialogSince: number | null;
  /** Clock time since which the call has had no participant present, or null. */
  idleSince: number | null;
}

/** One event as the engine emits it: the body plus the metadata that travels beside it. */
export interface EngineEvent<T extends CallEventType = CallEventType> {
  /** The event's UUID: `webhook-id` on delivery, `id` in the event log. Stable forever. */
  id: string;
  callId: string;
  seq: number;
  type: T;
  /** Clock time at which the state change happened. */
  occurredAt: number;
  /** `CallEventOf<T>` rather than `Extract<CallEvent, …>`: it keeps `EngineEvent<'call.dtmf'>`
   *  assignable to `EngineEvent` (Extract made the type invariant in T). */
  payload: CallEventOf<T>;
}

/** Limits that end calls by themselves (docs/contract.md §2); all configurable. */
export interface EngineConfig {
  /** A call with no participant for this long ends. Default 10 min. */
  idleTimeoutMs: number;
  /** A call ends at this age. Default 24 h. */
  maxDurationMs: number;
}

export const DEFAULT_ENGINE_CONFIG: EngineConfig = {
  idleTimeoutMs: 10 * 60_000,
  maxDurationMs: 24 * 60 * 60_000,
};
