import { useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import { describeError } from '../api/api-error.ts';
import type { CallView, EndpointView } from '../api/views.ts';
import { useMay } from '../session/access-context.ts';

/**
 * Replay this call to one endpoint: the API replays a time window, so this queues every event
 * the endpoint subscribes to between the call's creation and its end — other calls' too.
 */
export function ReplayCallForm({
  client,
  call,
  endpoints,
  onReplayed,
}: {
  client: ApiClient;
  call: CallView;
  endpoints: EndpointView[];
  onReplayed: () => void;
}) {
  const mayReplay = useMay('replay');
  const [endpointId, setEndpointId] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const chosen = endpointId || endpoints[0]?.id || '';
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!chosen) return;
    setBusy(true);
    try {
      const until = call.endedAt ?? Date.now();
      const { replayed } = await client.replay(chosen, { since: call.createdAt, until });
      setResult(`Queued ${replayed} deliver${replayed === 1 ? 'y' : 'ies'}.`);
      onReplayed();
    } catch (err) {
      setResult(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  if (endpoints.length === 0) {
    return <p class="muted">No endpoint exists: the events are in the log only.</p>;
  }
  if (!mayReplay) return null;
  return (
    <form class="inline-form" onSubmit={submit} aria-label="Replay this call">
      <label>
        Replay this call to
        <select value={chosen} onChange={(e) => setEndpointId(e.currentTarget.value)}>
          {endpoints.map((ep) => (
            <option key={ep.id} value={ep.id}>
              {ep.url}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={busy}>
        Replay
      </button>
      <span class="muted">
        queues what the endpoint subscribes to from the call's start to its end, other calls' events
        in that time included
      </span>
      {result && <output>{result}</output>}
    </form>
  );
}
