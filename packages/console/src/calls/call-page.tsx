import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import { describeError } from '../api/api-error.ts';
import type { StreamState } from '../api/event-stream.ts';
import type { CallView, StoredEvent } from '../api/views.ts';
import { hrefOf } from '../hash-route.ts';
import {
  anyPending,
  type CallDeliveries,
  loadCallDeliveries,
} from '../timeline/call-deliveries.ts';
import { loadCallEvents } from '../timeline/call-events.ts';
import { EventList } from '../timeline/event-list.tsx';
import { ParticipantChart } from '../timeline/participant-chart.tsx';
import { participantLanes } from '../timeline/participant-lanes.ts';
import { ReplayCallForm } from '../timeline/replay-call-form.tsx';
import { formatDuration, formatTime } from '../ui/format.ts';
import { StreamBadge } from '../ui/stream-badge.tsx';
import { useCallChanges } from './live-call-updates.ts';

interface Loaded {
  call: CallView;
  events: StoredEvent[];
  deliveries: CallDeliveries;
}

const END_REASONS: Record<NonNullable<CallView['endReason']>, string> = {
  ended: 'ended by a command',
  last_participant_removed: 'its last participant was removed',
  idle_timeout: 'no participant for the idle timeout',
  max_duration: 'reached the maximum duration',
};

/** How often deliveries are read again while one of them is still to be sent. */
const PENDING_POLL_MS = 1000;

/** One call: participants over time, its events in seq order, each with its deliveries. */
export function CallPage({ client, callId }: { client: ApiClient; callId: string }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [stream, setStream] = useState<StreamState>('connecting');
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);

  useEffect(() => {
    let current = true;
    (async () => {
      const call = await client.getCall(callId);
      const [events, deliveries] = await Promise.all([
        loadCallEvents(client, callId),
        loadCallDeliveries(client, call),
      ]);
      if (current) {
        setLoaded({ call, events, deliveries });
        setError(null);
      }
    })().catch((err: unknown) => current && setError(describeError(err)));
    return () => {
      current = false;
    };
  }, [client, callId, version]);

  useEffect(() => {
    if (!loaded || !anyPending(loaded.deliveries)) return;
    const timer = setTimeout(reload, PENDING_POLL_MS);
    return () => clearTimeout(timer);
  }, [loaded, reload]);

  useCallChanges(
    client,
    (ids) => {
      if (ids.has(callId)) reload();
    },
    setStream,
  );

  if (error && !loaded) {
    return (
      <section>
        <h1>Call</h1>
        <p class="error" role="alert">
          {error}
        </p>
        <a href={hrefOf({ screen: 'calls' })}>← All calls</a>
      </section>
    );
  }
  if (!loaded) return <p aria-busy="true">Loading the call…</p>;
  const { call, events, deliveries } = loaded;
  const end = call.endedAt ?? Date.now();
  return (
    <section aria-labelledby="call-title">
      <a href={hrefOf({ screen: 'calls' })}>← All calls</a>
      <div class="title-row">
        <h1 id="call-title">
          Call <code>{call.callId}</code>
        </h1>
        <StreamBadge state={stream} />
        <button type="button" class="quiet" onClick={reload}>
          Refresh
        </button>
      </div>
      <dl class="facts">
        <dt>State</dt>
        <dd>
          <span class={`badge state-${call.status}`}>{call.status}</span>
          {call.endReason && <span class="muted"> — {END_REASONS[call.endReason]}</span>}
        </dd>
        <dt>Stream / thread</dt>
        <dd>
          <code>{call.streamId}</code> / <code>{call.threadId}</code>
        </dd>
        <dt>Created</dt>
        <dd>{formatTime(call.createdAt)}</dd>
        {call.endedAt !== null && (
          <>
            <dt>Ended</dt>
            <dd>{formatTime(call.endedAt)}</dd>
          </>
        )}
        <dt>callDuration</dt>
        <dd>
          {call.callDuration === null
            ? 'ongoing'
            : `${formatDuration(call.callDuration)} (${call.callDuration} ms)`}
        </dd>
        <dt>dialogDuration</dt>
        <dd>
          {formatDuration(call.dialogDuration)} ({call.dialogDuration} ms)
          {call.status === 'active' && ' so far'}
        </dd>
      </dl>
      <h2>Participants</h2>
      <ParticipantChart
        lanes={participantLanes(events, call, end)}
        events={events}
        from={call.createdAt}
        to={end}
      />
      <ReplayCallForm
        client={client}
        call={call}
        endpoints={deliveries.endpoints}
        onReplayed={reload}
      />
      {deliveries.notReached.length > 0 && (
        <p class="note">
          Deliveries at {deliveries.notReached.join(', ')} are not shown: their newer deliveries are
          too many to read back to this call.
        </p>
      )}
      <h2>
        Events <span class="muted">({events.length}, in seq order)</span>
      </h2>
      <EventList client={client} events={events} deliveries={deliveries} onChanged={reload} />
    </section>
  );
}
