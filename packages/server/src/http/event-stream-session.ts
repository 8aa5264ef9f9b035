import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock, TimerHandle } from '../clock.ts';
import type { ChangeFeed } from '../store/change-feed.ts';
import type { CallStore, StoredEvent } from '../store/port.ts';
import type { EventFanout, FanoutClient, FanoutPage } from './event-fanout.ts';

/** Events read from the store per page: the most one stream holds in memory. */
export const STREAM_PAGE_SIZE = 100;

/** A stream whose socket holds more than this unsent is dropped (it resumes by Last-Event-ID). */
export const MAX_UNSENT_BYTES = 1024 * 1024;

export interface EventStreamOptions {
  response: ServerResponse;
  store: CallStore;
  /** The store's change feed: appended events wake the stream. */
  changes: ChangeFeed;
  clock: Clock;
  log: FastifyBaseLogger;
  /** Send events after this log position. */
  after: number;
  /** Only these types; undefined for all. */
  types: readonly string[] | undefined;
  heartbeatMs: number;
  /**
   * The shared read: once caught up, the stream is fed from it instead of reading the store
   * on every commit itself. Without it, the stream reads on its own at each commit.
   */
  fanout?: EventFanout;
  /** Called once the stream has ended, whichever side ended it. */
  onClose: () => void;
}

/** One SSE frame: `id:` the log position (the resume cursor), `event:` the type, `data:` the body. */
export function sseFrame(event: StoredEvent): string {
  return `id: ${event.position}\nevent: ${event.type}\ndata: ${JSON.stringify(event.payload)}\n\n`;
}

/**
 * One Server-Sent Events client. Nothing is queued per client: a commit on the change feed only
 * wakes the stream, which then reads the store from its cursor a page at a time, and waits
 * for 'drain' whenever the socket pushes back — a slow client slows only itself. With a
 * `fanout`, a caught-up stream is fed from the one shared read instead (event-fanout.ts), and
 * reads by itself only while it is behind.
 */
export class EventStreamSession implements FanoutClient {
  cursor: number;
  private closed = false;
  private pumping = false;
  private wakeAgain = false;
  private heartbeat: TimerHandle | null = null;
  private readonly unsubscribe: () => void;
  private readonly wanted: ReadonlySet<string> | undefined;
  /** Aborts a pump waiting for 'drain' when the stream closes. */
  private readonly closing = new AbortController();

  constructor(private readonly options: EventStreamOptions) {
    this.cursor = options.after;
    const wanted = options.types ? new Set(options.types) : undefined;
    this.wanted = wanted;
    this.unsubscribe = options.fanout
      ? () => options.fanout?.leave(this)
      : options.changes.subscribe(({ events }) => {
          if (events && (!wanted || events.types.some((type) => wanted.has(type)))) {
            void this.pump();
          }
        });
    options.response.once('close', () => this.close());
  }

  /** Sends the response head, catches up from the cursor, and starts the heartbeat. */
  start(): void {
    this.options.response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Proxies such as nginx would otherwise hold events back in their buffers.
      'x-accel-buffering': 'no',
    });
    this.options.response.flushHeaders();
    this.armHeartbeat();
    void this.pump();
  }

  /** Ends the stream (client gone, or the app closing); idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    this.heartbeat?.cancel();
    this.heartbeat = null;
    this.closing.abort();
    if (!this.options.response.writableEnded) this.options.response.end();
    this.options.onClose();
  }

  /** From the shared read: this stream's events of the page, in one write. */
  deliver(page: FanoutPage): boolean {
    if (this.closed) return false;
    const { events } = page;
    const last = events[events.length - 1];
    if (!last || last.position <= this.cursor) return true;
    let chunk: string;
    if (!this.wanted && events[0]!.position > this.cursor) {
      chunk = page.all();
    } else {
      chunk = '';
      for (let i = 0; i < events.length; i++) {
        const event = events[i]!;
        if (event.position > this.cursor && (!this.wanted || this.wanted.has(event.type))) {
          chunk += page.frame(i);
        }
      }
    }
    this.cursor = last.position;
    if (chunk === '' || this.options.response.write(chunk)) return true;
    // The socket pushes back: leave the live set, and catch up alone once it drains.
    once(this.options.response, 'drain', { signal: this.closing.signal }).then(
      () => void this.pump(),
      () => {}, // closed meanwhile
    );
    return false;
  }

  private armHeartbeat(): void {
    const { clock, heartbeatMs } = this.options;
    this.heartbeat = clock.setTimer(clock.now() + heartbeatMs, () => {
      if (this.closed) return;
      // A client that reads nothing is let go rather than buffered for without end.
      if (this.options.response.writableLength > MAX_UNSENT_BYTES) {
        this.options.log.warn('event stream client too slow; dropped (it may resume)');
        this.close();
        return;
      }
      // A comment line: keeps proxies from timing the connection out; clients ignore it.
      this.options.response.write(': ping\n\n');
      this.armHeartbeat();
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.wakeAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.wakeAgain = false;
        await this.catchUp();
        // Caught up: fed by the shared read from now on, unless that read is ahead of this
        // stream's cursor; then it reads on by itself first.
        if (this.options.fanout && !this.closed && !this.options.fanout.join(this)) {
          this.wakeAgain = true;
        }
      } while (this.wakeAgain && !this.closed);
    } catch (error) {
      if (this.closed) return; // the wait for 'drain' was aborted by close()
      this.options.log.error({ err: error }, 'event stream failed; closing it');
      this.close();
    } finally {
      this.pumping = false;
    }
  }

  private async catchUp(): Promise<void> {
    const { store, response, types, fanout } = this.options;
    // With the shared read, every event moves the cursor (filtered here, not in the query), so
    // that a caught-up stream's cursor reaches the log's end and it can join.
    const filterInQuery = types && !fanout;
    for (;;) {
      if (this.closed) return;
      const page = await store.readEvents({
        after: this.cursor,
        limit: STREAM_PAGE_SIZE,
        ...(filterInQuery && { types }),
      });
      if (this.closed) return;
      let writable = true;
      for (const event of page) {
        if (!this.wanted || this.wanted.has(event.type)) writable = response.write(sseFrame(event));
        this.cursor = event.position;
      }
      if (!writable && !this.closed) {
        await once(response, 'drain', { signal: this.closing.signal });
      }
      if (page.length < STREAM_PAGE_SIZE) return;
    }
  }
}
