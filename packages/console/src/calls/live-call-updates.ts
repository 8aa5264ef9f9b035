import { useEffect, useRef } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import { EventStream, type StreamState } from '../api/event-stream.ts';

/**
 * Follows the event stream and calls `onChanged` with the ids of the calls that had events,
 * at most every `coalesceMs` (a busy stream costs one batch, not one request per event).
 */
export function useCallChanges(
  client: ApiClient,
  onChanged: (callIds: Set<string>, created: Set<string>) => void,
  onState: (state: StreamState, detail?: string) => void,
  coalesceMs = 150,
): void {
  const handler = useRef(onChanged);
  handler.current = onChanged;
  const stateHandler = useRef(onState);
  stateHandler.current = onState;

  useEffect(() => {
    let changed = new Set<string>();
    let created = new Set<string>();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      const batch = changed;
      const fresh = created;
      changed = new Set();
      created = new Set();
      handler.current(batch, fresh);
    };
    const stream = new EventStream(client, {
      onEvent: ({ body }) => {
        changed.add(body.callId);
        if (body.eventType === 'call.created') created.add(body.callId);
        timer ??= setTimeout(flush, coalesceMs);
      },
      onState: (state, detail) => stateHandler.current(state, detail),
    });
    stream.start();
    return () => {
      stream.stop();
      if (timer) clearTimeout(timer);
    };
  }, [client, coalesceMs]);
}
