import type { Clock, TimerHandle } from '../clock.ts';
import type { CallStore } from '../store/port.ts';

export interface DeadlineTimerOptions {
  store: Pick<CallStore, 'claimDeadlines' | 'nextDeadlineAt'>;
  clock: Clock;
  /** This node, as named in deadline leases. */
  owner: string;
  /** The longest wait between two reads of the store's next deadline. */
  pollMs: number;
  /** How long a claimed deadline stays this node's before another node may take it over. */
  leaseMs: number;
  /** Calls claimed at once. */
  batch: number;
  /** Ends the claimed calls. Settles when they are written (or failed: their leases lapse). */
  expire: (callIds: readonly string[]) => Promise<void>;
  /** The store failed; the timer tries again at its next poll. */
  onError: (error: unknown) => void;
}

/**
 * Ends calls at their auto-end deadlines, which live in the store (several nodes may share
 * it): one clock timer, armed at the earliest deadline the store or this node's own commits
 * know of, and at most `pollMs` away, so that deadlines other nodes wrote, or left behind
 * when they died, are picked up too. At each wake it claims what is due and expires it.
 * Nothing is kept per call.
 */
export class DeadlineTimer {
  private readonly o: DeadlineTimerOptions;
  private timer: TimerHandle | null = null;
  private timerAt: number | null = null;
  private stopped = false;
  private running: Promise<void> = Promise.resolve();

  constructor(options: DeadlineTimerOptions) {
    this.o = options;
  }

  /** When the timer next wakes (null once stopped). */
  get nextWakeAt(): number | null {
    return this.timerAt;
  }

  /** Arms the timer from the store. */
  async start(): Promise<void> {
    this.stopped = false;
    this.arm(await this.o.store.nextDeadlineAt());
  }

  /** Stops waking; a claim already made is left to lapse, to be taken over after its lease. */
  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    this.timerAt = null;
  }

  /** A commit of this node gave a call this deadline: wake then if that is sooner. */
  noteDeadline(at: number | null): void {
    if (at !== null && (this.timerAt === null || at < this.timerAt)) this.setTimer(at);
  }

  /** Claims and ends whatever is due now, then re-arms. Runs at each wake; exposed for tests. */
  wake(): Promise<void> {
    const run = this.running.then(() => this.claimAndExpire());
    this.running = run;
    return run;
  }

  private async claimAndExpire(): Promise<void> {
    let next: number | null;
    try {
      for (;;) {
        const now = this.o.clock.now();
        next = await this.o.store.nextDeadlineAt();
        if (next === null || next > now) break;
        const leaseUntil = now + this.o.leaseMs;
        const ids = await this.o.store.claimDeadlines(this.o.owner, now, leaseUntil, this.o.batch);
        if (ids.length === 0) {
          // Another node claimed them in between; the store says when they are free again.
          next = await this.o.store.nextDeadlineAt();
          if (next !== null && next <= now) next = null; // never spin: wait for the poll
          break;
        }
        await this.o.expire(ids);
      }
    } catch (error) {
      this.o.onError(error);
      next = null; // the poll tries again
    }
    this.arm(next);
  }

  /** Arms at `at` or at the next poll, whichever is first, unless an earlier wake is set. */
  private arm(at: number | null): void {
    const poll = this.o.clock.now() + this.o.pollMs;
    const wakeAt = at === null ? poll : Math.min(at, poll);
    if (this.timer && this.timerAt !== null && this.timerAt <= wakeAt) return;
    this.setTimer(wakeAt);
  }

  private setTimer(at: number): void {
    if (this.stopped) return;
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = this.o.clock.setTimer(at, () => {
      this.timer = null;
      this.timerAt = null;
      void this.wake();
    });
  }
}
