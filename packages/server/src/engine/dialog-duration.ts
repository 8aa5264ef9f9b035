import type { CallState, Participant } from './call-state.ts';
import { countsAsJoined } from './participant-transitions.ts';

// Dialog time (docs/contract.md §2) = total time with at least two participants joined at once.
// Kept incrementally: `dialogMs` holds closed intervals, `dialogSince` the open one, so the
// value is exact at any instant without replaying the call's history.

export function joinedCount(participants: readonly Participant[]): number {
  let n = 0;
  for (const p of participants) if (countsAsJoined(p.state)) n++;
  return n;
}

/**
 * Opens or closes the dialog interval after participants changed at time `t`.
 * Mutates `state`: call it only on the engine's working copy.
 */
export function settleDialog(state: CallState, t: number): void {
  const inDialog = joinedCount(state.participants) >= 2;
  if (inDialog && state.dialogSince === null) {
    state.dialogSince = t;
  } else if (!inDialog && state.dialogSince !== null) {
    state.dialogMs += t - state.dialogSince;
    state.dialogSince = null;
  }
}

/** Dialog duration up to time `t` (clamped so an early `t` never shrinks it). */
export function dialogDurationAt(state: CallState, t: number): number {
  if (state.dialogSince === null) return state.dialogMs;
  return state.dialogMs + Math.max(0, t - state.dialogSince);
}

/** Call duration of an ended call; null while it is active. */
export function callDurationOf(state: CallState): number | null {
  return state.endedAt === null ? null : state.endedAt - state.createdAt;
}
