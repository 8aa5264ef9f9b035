import type { CallState } from './call-state.ts';

/** Throws on a clock reading that would put a non-integer or negative time into a body. */
export function assertClockReading(now: number): void {
  if (!Number.isSafeInteger(now) || now < 0) {
    throw new RangeError(`engine time must be integer milliseconds since the epoch, got ${now}`);
  }
}

/**
 * The time a change to `state` is stamped with: the clock, but never earlier than the
 * call's last change, so events and durations of one call never run backwards even if
 * commands arrive from clocks that disagree slightly.
 */
export function effectiveTime(state: CallState, now: number): number {
  assertClockReading(now);
  return Math.max(now, state.updatedAt);
}
