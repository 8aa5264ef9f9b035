import { setTimeout as sleep } from 'node:timers/promises';
import {
  type ApiClient,
  ApiError,
  describeClientError,
  ServerUnreachableError,
} from './api-client.ts';
import { readServerSentEvents, type SseMessage } from './sse-reader.ts';

// Follows GET /v1/events/stream for as long as it is asked to: on any disconnect it
// reconnects with backoff and `Last-Event-ID`, so no event is skipped or seen twice.

export const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 15_000 };

export interface FollowOptions {
  api: ApiClient;
  /** Only these event types; all when undefined. */
  types?: readonly string[];
  /** Aborting it ends the follow: `followEventStream` then resolves. */
  signal: AbortSignal;
  /**
   * Handles one event; awaited before the next is read. The stream resumes after the last
   * event whose handler returned, so a handler that throws sees that event again.
   */
  onEvent: (message: SseMessage) => Promise<void>;
  onConnect?: (resumed: boolean) => void;
  onDisconnect?: (reason: string, retryInMs: number) => void;
  backoff?: { initialMs: number; maxMs: number };
}

/**
 * Resolves when the signal aborts. Rejects when following cannot work: the server is not
 * there at the first connection, or it refuses the request (a 4xx such as a bad API key).
 */
export async function followEventStream(options: FollowOptions): Promise<void> {
  const { api, signal, onEvent } = options;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  // Until the first event arrives there is no cursor, and a reconnection starts from "now"
  // again; events are only missed then if the server stayed up while the connection dropped.
  let lastId: string | undefined;
  let connectedOnce = false;
  let delay = backoff.initialMs;

  while (!signal.aborted) {
    let reason: string;
    try {
      const response = await api.open('/v1/events/stream', {
        query: { types: options.types?.join(',') },
        headers: { accept: 'text/event-stream', ...(lastId && { 'last-event-id': lastId }) },
        signal,
      });
      if (!response.ok || !response.body) throw await api.errorOf(response);
      connectedOnce = true;
      delay = backoff.initialMs;
      options.onConnect?.(lastId !== undefined);
      for await (const message of readServerSentEvents(response.body)) {
        await onEvent(message);
        lastId = message.id;
      }
      reason = 'the server closed the event stream';
    } catch (error) {
      if (signal.aborted) return;
      if (isFatal(error, connectedOnce)) throw error;
      reason = describeClientError(error);
    }
    options.onDisconnect?.(reason, delay);
    await sleep(delay, undefined, { signal }).catch(() => {});
    delay = Math.min(delay * 2, backoff.maxMs);
  }
}

/** Errors no retry fixes: the server refusing us, or no server at all to begin with. */
function isFatal(error: unknown, connectedOnce: boolean): boolean {
  if (error instanceof ApiError)
    return error.status >= 400 && error.status < 500 && error.status !== 429;
  return error instanceof ServerUnreachableError && !connectedOnce;
}
