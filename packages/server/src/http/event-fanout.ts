import { performance } from 'node:perf_hooks';
import { clearTimeout, setImmediate, setTimeout } from 'node:timers';
import type { ChangeFeed } from '../store/change-feed.ts';
import type { CallStore, StoredEvent } from '../store/port.ts';
import { sseFrame } from './event-stream-session.ts';

// SSE fan-out whose cost per command does not grow with the number of clients: one log read
// per wake-up, shared by every stream that is caught up ("live"), each event's frame built
// once. A stream behind the log (resuming, or slowed by its socket) reads on its own from its
// cursor, then joins again; one that pushes back leaves the live set rather than holding it.

/** Events read per page of the shared read. */
export const FANOUT_PAGE_SIZE = 500;

/**
 * The least time between two shared reads, in real ms: commits within it go out together, one
 * write per stream for all of them. A socket write per stream per commit is what a fan-out
 * costs (500 streams: 500 writes); gathering the commits of 25 ms divides that by their number,
 * for at most 25 ms more latency on a stream. A scheduling pause, not business time: not read
 * from the injected clock.
 */
export const FANOUT_MIN_INTERVAL_MS = 25;

/**
 * Streams written to per turn of the event loop: between two slices the loop serves requests,
 * so a command waits for one slice of the fan-out at most, never for all of it.
 */
export const FANOUT_SLICE = 8;

/** One page of the shared read, its frames built once and on demand. */
export class FanoutPage {
  private readonly frames: (string | undefined)[];
  private whole: string | undefined;

  constructor(readonly events: readonly StoredEvent[]) {
    this.frames = new Array(events.length);
  }

  frame(i: number): string {
    this.frames[i] ??= sseFrame(this.events[i]!);
    return this.frames[i]!;
  }

  /** Every frame of the page, as one string (for streams of every type). */
  all(): string {
    this.whole ??= this.events.map((_, i) => this.frame(i)).join('');
    return this.whole;
  }
}

export interface FanoutClient {
  /** The newest log position the client has been given (or skipped). */
  readonly cursor: number;
  /** Takes a page (events after `fanout`'s last read); false: the client leaves the live set. */
  deliver(page: FanoutPage): boolean;
}

export class EventFanout {
  private readonly live = new Set<FanoutClient>();
  /** The log position through which the shared read has gone. */
  private readTo = 0;
  private reading = false;
  private again = false;
  private scheduled = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastReadAt = Number.NEGATIVE_INFINITY;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: CallStore,
    changes: ChangeFeed,
    private readonly onError: (error: unknown) => void,
    private readonly minIntervalMs = FANOUT_MIN_INTERVAL_MS,
  ) {
    this.unsubscribe = changes.subscribe(({ events }) => {
      if (events && this.live.size > 0) this.wake();
    });
  }

  /** Live streams now. */
  get size(): number {
    return this.live.size;
  }

  /**
   * Makes `client` live if it has read at least as far as the shared read; false when it is
   * behind and must read on its own first. A first live client sets where the read starts.
   */
  join(client: FanoutClient): boolean {
    if (this.live.size === 0 && !this.reading) this.readTo = client.cursor;
    else if (client.cursor < this.readTo) return false;
    this.live.add(client);
    // Events may have come between the client's own read and its joining.
    this.wake();
    return true;
  }

  leave(client: FanoutClient): void {
    this.live.delete(client);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.unsubscribe();
    this.live.clear();
  }

  /**
   * Reads on the next turn of the event loop (the command that woke it answers first), or once
   * `minIntervalMs` has passed since the last read: every commit until then shares the read.
   */
  private wake(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.timer = null;
      this.scheduled = false;
      void this.read();
    };
    const wait = this.lastReadAt + this.minIntervalMs - performance.now();
    if (wait > 0) this.timer = setTimeout(run, wait);
    else setImmediate(run);
  }

  private async read(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    this.lastReadAt = performance.now();
    try {
      do {
        this.again = false;
        for (;;) {
          if (this.live.size === 0) break;
          const events = await this.store.readEvents({
            after: this.readTo,
            limit: FANOUT_PAGE_SIZE,
          });
          if (events.length === 0) break;
          this.readTo = events[events.length - 1]!.position;
          const page = new FanoutPage(events);
          const clients = [...this.live];
          for (let i = 0; i < clients.length; i++) {
            if (i > 0 && i % FANOUT_SLICE === 0) await new Promise((r) => setImmediate(r));
            const client = clients[i]!;
            // One that left meanwhile gets nothing; one that joined has read this page itself.
            if (this.live.has(client) && !client.deliver(page)) this.live.delete(client);
          }
          if (events.length < FANOUT_PAGE_SIZE) break;
        }
      } while (this.again);
    } catch (error) {
      this.onError(error);
    } finally {
      this.reading = false;
    }
  }
}
