import type { Clock, TimerHandle } from '../clock.ts';
import type { RemovedCounts, RetentionStore } from '../store/retention-port.ts';

// Retention (--retention): every so often, removes what is older than the window, in small
// batches with a turn of the event loop between them, so that commands are never held up by
// more than one batch; then gives the freed pages back to the file system, a bounded amount.

/** The default window: 30 days. */
export const DEFAULT_RETENTION_MS = 30 * 24 * 60 * 60_000;

export interface RetentionSweeperOptions {
  store: RetentionStore;
  clock: Clock;
  /** Keep this much (ms); 0 keeps everything forever (the sweeper does nothing). */
  windowMs: number;
  /** Rows of each kind one batch removes (default 500). */
  batch?: number;
  /** Pages one compaction gives back (default 2,000: 8 MiB of 4 KiB pages). */
  compactPages?: number;
  /** A sweep that failed is tried again at the next; this hears why. */
  onError?: (error: unknown) => void;
  /** Told what each sweep removed (for logs and tests). */
  onSwept?: (removed: Omit<RemovedCounts, 'more'>) => void;
}

/** How often a sweep runs: a tenth of the window, between 1 s and 1 min. */
export function sweepInterval(windowMs: number): number {
  return Math.min(60_000, Math.max(1_000, Math.floor(windowMs / 10)));
}

export class RetentionSweeper {
  private timer: TimerHandle | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: RetentionSweeperOptions) {}

  start(): void {
    if (this.options.windowMs <= 0) return;
    this.stopped = false;
    this.schedule(this.options.clock.now());
  }

  /** Stops the timer, and waits for a sweep under way to finish its batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    await this.running;
  }

  /** One whole sweep now: every batch due, then one compaction. */
  sweep(): Promise<void> {
    this.running ??= this.sweepAll().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private schedule(at: number): void {
    this.timer = this.options.clock.setTimer(at, () => {
      void this.sweep().then(() => {
        if (!this.stopped) {
          this.schedule(this.options.clock.now() + sweepInterval(this.options.windowMs));
        }
      });
    });
  }

  private async sweepAll(): Promise<void> {
    const { store, clock, windowMs } = this.options;
    const batch = this.options.batch ?? 500;
    const total = { events: 0, deliveries: 0, calls: 0, idempotencyRecords: 0 };
    try {
      const before = clock.now() - windowMs;
      for (;;) {
        const removed = await store.removeBefore(before, batch);
        total.events += removed.events;
        total.deliveries += removed.deliveries;
        total.calls += removed.calls;
        total.idempotencyRecords += removed.idempotencyRecords;
        if (!removed.more || this.stopped) break;
        await new Promise((resolve) => setImmediate(resolve)); // let commands in between
      }
      await store.compact(this.options.compactPages ?? 2_000);
      this.options.onSwept?.(total);
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}
