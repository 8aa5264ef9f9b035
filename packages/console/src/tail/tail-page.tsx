import type { CallEventType } from '@callhook/sdk';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import { EventStream, type LiveEvent, type StreamState } from '../api/event-stream.ts';
import { hrefOf } from '../hash-route.ts';
import { EVENT_TYPES } from '../ui/event-types.ts';
import { formatClock, shortId } from '../ui/format.ts';
import { StreamBadge } from '../ui/stream-badge.tsx';

/** How many events the page keeps; older ones are in the log (`GET /v1/events`). */
const KEEP = 500;

interface Received extends LiveEvent {
  at: number;
}

/**
 * The event stream as it happens. Pausing closes the stream and remembers the last cursor;
 * resuming reopens it with `Last-Event-ID`, so what happened meanwhile arrives, once.
 */
export function TailPage({ client }: { client: ApiClient }) {
  const [types, setTypes] = useState<CallEventType[]>([]);
  const [paused, setPaused] = useState(false);
  const [events, setEvents] = useState<Received[]>([]);
  const [state, setState] = useState<{ state: StreamState; detail?: string }>({
    state: 'connecting',
  });
  const cursor = useRef<string | undefined>(undefined);

  useEffect(() => {
    if (paused) {
      setState({ state: 'stopped' });
      return;
    }
    const stream = new EventStream(client, {
      types,
      ...(cursor.current !== undefined && { after: cursor.current }),
      onEvent: (event) => {
        cursor.current = event.cursor;
        setEvents((list) => [{ ...event, at: Date.now() }, ...list].slice(0, KEEP));
      },
      onState: (s, detail) =>
        s !== 'stopped' && setState(detail ? { state: s, detail } : { state: s }),
    });
    stream.start();
    return () => stream.stop();
  }, [client, types, paused]);

  const toggleType = (type: CallEventType, on: boolean) =>
    setTypes((list) => (on ? [...list, type] : list.filter((t) => t !== type)));

  return (
    <section aria-labelledby="tail-title">
      <div class="title-row">
        <h1 id="tail-title">Live tail</h1>
        <StreamBadge state={state.state} detail={state.detail} />
        <button type="button" onClick={() => setPaused(!paused)} aria-pressed={paused}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" class="quiet" onClick={() => setEvents([])}>
          Clear
        </button>
      </div>
      <fieldset class="type-filter">
        <legend>Types (none checked: all)</legend>
        {EVENT_TYPES.map((type) => (
          <label class="check" key={type}>
            <input
              type="checkbox"
              checked={types.includes(type)}
              onChange={(e) => toggleType(type, e.currentTarget.checked)}
            />
            <code>{type}</code>
          </label>
        ))}
      </fieldset>
      {events.length === 0 && <p class="empty">Waiting for events…</p>}
      <ol class="tail" aria-live="polite" aria-relevant="additions">
        {events.map((e) => (
          <li key={e.cursor} data-cursor={e.cursor}>
            <span class="muted">{formatClock(e.at)}</span> <strong>{e.body.eventType}</strong>{' '}
            <a href={hrefOf({ screen: 'call', callId: e.body.callId })} title={e.body.callId}>
              <code>{shortId(e.body.callId)}</code>
            </a>{' '}
            <code class="excerpt">{JSON.stringify(e.body)}</code>
          </li>
        ))}
      </ol>
    </section>
  );
}
