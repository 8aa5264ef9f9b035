import { setTimeout as sleep } from 'node:timers/promises';

// Open-loop pacing: the k-th unit may start at start + k / rate. Workers that fall behind
// do not "catch up" in a burst beyond what the schedule allows, and a slow server shows up
// as latency rather than as a lower offered rate.

export interface Pacer {
  /** Waits until `cost` more units (commands, or events) may be sent, or `signal` aborts. */
  acquire(cost: number, signal?: AbortSignal): Promise<void>;
}

/** No pacing: as fast as the concurrency allows. */
export const UNPACED: Pacer = { acquire: async () => {} };

export function ratePacer(perSecond: number, now: () => number = performanceNow): Pacer {
  if (!(perSecond > 0)) throw new RangeError(`rate must be above 0, not ${perSecond}`);
  const interval = 1000 / perSecond;
  let start: number | undefined;
  let issued = 0;
  return {
    async acquire(cost: number, signal?: AbortSignal) {
      start ??= now();
      const at = start + issued * interval;
      issued += cost;
      const wait = at - now();
      if (wait >= 1 && !signal?.aborted) {
        // An abort ends the wait early; the caller sees signal.aborted and stops.
        await sleep(wait, undefined, signal && { signal }).catch(() => {});
      }
    },
  };
}

function performanceNow(): number {
  return performance.now();
}
