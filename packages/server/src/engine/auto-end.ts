import { CallDraft } from './call-draft.ts';
import type { CallState, EndReason, EngineConfig, EngineEvent } from './call-state.ts';
import type { EngineContext } from './commands.ts';
import { assertClockReading } from './effective-time.ts';

// Calls that end by themselves (docs/contract.md §2): after an idle timeout with nobody present,
// and at a maximum duration. (The third way, last participant removed, is in apply-command.)

interface Deadline {
  at: number;
  reason: EndReason;
}

function deadlineOf(state: CallState, config: EngineConfig): Deadline | null {
  if (state.status !== 'active') return null;
  const maxDuration: Deadline = {
    at: state.createdAt + config.maxDurationMs,
    reason: 'max_duration',
  };
  if (state.idleSince === null) return maxDuration;
  const idle: Deadline = { at: state.idleSince + config.idleTimeoutMs, reason: 'idle_timeout' };
  // On a tie the hard limit names the reason.
  return idle.at < maxDuration.at ? idle : maxDuration;
}

/** When the call next ends by itself if nothing happens; null for an ended call. */
export function nextDeadline(state: CallState, config: EngineConfig): number | null {
  return deadlineOf(state, config)?.at ?? null;
}

/**
 * Ends the call if a deadline has passed by `ctx.now`. The end is stamped at the deadline
 * itself, not at `ctx.now`, so durations are exact however late the timer fires. (Only when
 * the deadline lies before the call's last change — the limits were lowered meanwhile — is
 * it stamped at that change instead: time never runs backwards within a call.)
 */
export function expireCall(
  state: CallState,
  ctx: EngineContext,
): { state: CallState; events: EngineEvent[] } {
  assertClockReading(ctx.now);
  const deadline = deadlineOf(state, ctx.config);
  if (deadline === null || deadline.at > ctx.now) return { state, events: [] };
  const draft = new CallDraft(state, Math.max(deadline.at, state.updatedAt), ctx.newId);
  draft.end(deadline.reason);
  return { state: draft.state, events: draft.events };
}
