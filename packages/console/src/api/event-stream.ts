import type { CallEvent } from '@callhook/sdk';
import type { ApiClient } from './api-client.ts';
import { apiErrorOf } from './api-error.ts';
import { SseParser } from './sse-parser.ts';

/** One event off the live stream: its log cursor, and the body bots receive. */
export interface LiveEvent {
  cursor: string;
  body: CallEvent;
}

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'stopped' | 'refused';

export interface EventStreamOptions {
  /** Only these types (the stream's `types` parameter); all when absent. */
  types?: readonly string[];
  /** Start after this cursor (sent as Last-Event-ID); from now when absent. */
  after?: string;
  onEvent: (event: LiveEvent) => void;
  onState?: (state: StreamState, detail?: string) => void;
  /** Delay before reconnecting after a dropped connection. Default 1 s. */
  retryMs?: number;
}

/**
 * `GET /v1/events/stream` read with `fetch` streaming, not EventSource, so that the bearer key
 * travels in a header. A dropped connection is reopened with `Last-Event-ID` = the last cursor
 * seen: no event is lost or repeated. `stop()` then `start()` again resumes the same way.
 */
export class EventStream {
  private abort: AbortController | null = null;
  private lastCursor: string | undefined;

  constructor(
    private readonly client: ApiClient,
    private readonly options: EventStreamOptions,
  ) {
    this.lastCursor = options.after;
  }

  /** The cursor of the last event received: where a resume starts. */
  get cursor(): string | undefined {
    return this.lastCursor;
  }

  start(): void {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    void this.run(abort.signal);
  }

  stop(): void {
    this.abort?.abort();
    this.abort = null;
    this.options.onState?.('stopped');
  }

  private async run(signal: AbortSignal): Promise<void> {
    let state: StreamState = 'connecting';
    while (!signal.aborted) {
      this.options.onState?.(state);
      try {
        await this.readOnce(signal);
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof StreamRefused) {
          this.options.onState?.('refused', error.message);
          return;
        }
      }
      if (signal.aborted) return;
      state = 'reconnecting';
      this.options.onState?.(state);
      await delay(this.options.retryMs ?? 1000, signal);
    }
  }

  private async readOnce(signal: AbortSignal): Promise<void> {
    const types = this.options.types?.length ? `?types=${this.options.types.join(',')}` : '';
    const response = await fetch(`/v1/events/stream${types}`, {
      headers: {
        ...this.client.headers(),
        accept: 'text/event-stream',
        ...(this.lastCursor !== undefined && { 'last-event-id': this.lastCursor }),
      },
      signal,
    });
    if (!response.ok) {
      const error = await apiErrorOf(response);
      // A refused key or a bad filter will not get better by asking again.
      if (response.status < 500) throw new StreamRefused(error.message);
      throw error;
    }
    this.options.onState?.('live');
    const parser = new SseParser();
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      for (const message of parser.push(value)) {
        this.lastCursor = message.id;
        this.options.onEvent({ cursor: message.id, body: JSON.parse(message.data) as CallEvent });
      }
    }
  }
}

class StreamRefused extends Error {}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
