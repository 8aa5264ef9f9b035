import type { CallState, CallStatus, EndReason, ParticipantState } from './call-state.ts';
import { callDurationOf, dialogDurationAt } from './dialog-duration.ts';

/** The public JSON view of a call, as the HTTP API returns it. */
export interface CallView {
  callId: string;
  threadId: string;
  streamId: string;
  status: CallStatus;
  createdAt: number;
  endedAt: number | null;
  endReason: EndReason | null;
  /** In invitation order; removed users included. */
  participants: { userId: string; state: ParticipantState }[];
  lastSeq: number;
  /** Set once the call has ended. */
  callDuration: number | null;
  /** Final once ended; while active, the dialog time so far (up to `now`). */
  dialogDuration: number;
}

/**
 * `now` (default: the call's last change) only matters for an active call in dialog,
 * whose dialog time keeps growing between commands.
 */
export function callView(state: CallState, now: number = state.updatedAt): CallView {
  const until = state.endedAt ?? Math.max(now, state.updatedAt);
  return {
    callId: state.callId,
    threadId: state.threadId,
    streamId: state.streamId,
    status: state.status,
    createdAt: state.createdAt,
    endedAt: state.endedAt,
    endReason: state.endReason,
    participants: state.participants.map((p) => ({ userId: p.userId, state: p.state })),
    lastSeq: state.lastSeq,
    callDuration: callDurationOf(state),
    dialogDuration: dialogDurationAt(state, until),
  };
}
