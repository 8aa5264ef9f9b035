import { useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import { describeError } from '../api/api-error.ts';

/** `<input type="datetime-local">` value of a moment, in the browser's time zone. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/** Queue again every subscribed event in a time window (POST …/replay). */
export function ReplayWindowForm({
  client,
  endpointId,
  onReplayed,
}: {
  client: ApiClient;
  endpointId: string;
  onReplayed: () => void;
}) {
  const [since, setSince] = useState(() => localInput(Date.now() - 3_600_000));
  // Empty: until now, as the API has it (a time picked when the page opened would miss since).
  const [until, setUntil] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      const window = {
        since: new Date(since).getTime(),
        ...(until && { until: new Date(until).getTime() }),
      };
      const { replayed } = await client.replay(endpointId, window);
      setResult(`Queued ${replayed} deliver${replayed === 1 ? 'y' : 'ies'}.`);
      onReplayed();
    } catch (err) {
      setResult(describeError(err));
    }
  };
  return (
    <form class="inline-form" onSubmit={submit} aria-label="Replay a time range">
      <label>
        From
        <input
          type="datetime-local"
          value={since}
          onInput={(e) => setSince(e.currentTarget.value)}
        />
      </label>
      <label>
        to (empty: now)
        <input
          type="datetime-local"
          value={until}
          onInput={(e) => setUntil(e.currentTarget.value)}
        />
      </label>
      <button type="submit">Replay range</button>
      {result && <output>{result}</output>}
    </form>
  );
}
