/**
 * The one source of time in the server. `now()` is integer milliseconds since the Unix
 * epoch and never goes backwards (durations are differences of its readings). Tests use
 * `ManualClock` and move time with `advance()`; nothing in the server sleeps on real time
 * except through a Clock.
 */
export interface Clock {
  now(): number;
  /** Calls `fn` once the clock reaches `atMs` (at once if already past). */
  setTimer(atMs: number, fn: () => void): TimerHandle;
}

export interface TimerHandle {
  cancel(): void;
}

/** Real time: wall-clock origin plus the monotonic performance counter, clamped to never go back. */
export class SystemClock implements Clock {
  private last = 0;

  now(): number {
    const t = Math.floor(performance.timeOrigin + performance.now());
    this.last = Math.max(this.last, t);
    return this.last;
  }

  setTimer(atMs: number, fn: () => void): TimerHandle {
    // setTimeout caps at 2^31-1 ms; re-arm in steps for longer waits.
    const MAX = 2_147_483_647;
    let handle: NodeJS.Timeout;
    const arm = () => {
      const wait = atMs - this.now();
      if (wait > MAX) handle = setTimeout(arm, MAX);
      else handle = setTimeout(fn, Math.max(0, wait));
      handle.unref();
    };
    arm();
    return { cancel: () => clearTimeout(handle) };
  }
}

/** Time that moves only when told to; timers fire in deadline order during `advance`. */
export class ManualClock implements Clock {
  private current: number;
  private timers: { at: number; fn: () => void; order: number }[] = [];
  private order = 0;

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimer(atMs: number, fn: () => void): TimerHandle {
    const timer = { at: atMs, fn, order: this.order++ };
    this.timers.push(timer);
    return {
      cancel: () => {
        this.timers = this.timers.filter((t) => t !== timer);
      },
    };
  }

  /** Moves time forward by `ms`, firing every timer that falls due, each at its own time. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = this.timers
        .filter((t) => t.at <= target)
        .sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.fn();
    }
    this.current = target;
  }

  /** Number of timers not yet fired (for tests). */
  get pendingTimers(): number {
    return this.timers.length;
  }
}
