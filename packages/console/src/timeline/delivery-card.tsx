import { useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import { describeError } from '../api/api-error.ts';
import type { DeliveryView, EndpointView } from '../api/views.ts';
import { hrefOf } from '../hash-route.ts';
import { useMay } from '../session/access-context.ts';
import { formatClock } from '../ui/format.ts';

/** One event's delivery at one endpoint: its status, every attempt, and retry when it failed. */
export function DeliveryCard({
  client,
  delivery,
  endpoint,
  onRetried,
  attemptsOpen = true,
}: {
  client: ApiClient;
  delivery: DeliveryView;
  endpoint: EndpointView | undefined;
  onRetried: () => void;
  /** Show the attempts unfolded (folded, they are one click away). */
  attemptsOpen?: boolean;
}) {
  const mayRetry = useMay('retryDelivery');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const retry = async () => {
    setBusy(true);
    setError(null);
    try {
      await client.retryDelivery(delivery.id);
      onRetried();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  const retryable =
    mayRetry &&
    (delivery.status === 'failed' || (delivery.status === 'pending' && delivery.attemptCount > 0));
  return (
    <div class={`delivery delivery-${delivery.status}`} data-delivery-id={delivery.id}>
      <div class="delivery-head">
        <span class={`badge status-${delivery.status}`}>{delivery.status}</span>
        <a href={hrefOf({ screen: 'endpoint', endpointId: delivery.endpointId })}>
          {endpoint?.url ?? delivery.endpointId}
        </a>
        <span class="muted">
          {delivery.attemptCount} attempt{delivery.attemptCount === 1 ? '' : 's'}
          {delivery.nextAttemptAt !== null && ` · next at ${formatClock(delivery.nextAttemptAt)}`}
        </span>
        {retryable && (
          <button type="button" onClick={retry} disabled={busy}>
            {busy ? 'Retrying…' : 'Retry'}
          </button>
        )}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {delivery.attempts.length > 0 && (
        <details class="attempts-fold" open={attemptsOpen}>
          <summary>Attempts</summary>
          <table class="attempts">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Time</th>
                <th scope="col">Status</th>
                <th scope="col">Latency</th>
                <th scope="col">Error</th>
                <th scope="col">Response</th>
              </tr>
            </thead>
            <tbody>
              {delivery.attempts.map((a) => (
                <tr key={a.attempt}>
                  <td>{a.attempt}</td>
                  <td>{formatClock(a.startedAt)}</td>
                  <td class={a.statusCode !== null && a.statusCode < 300 ? 'ok' : 'bad'}>
                    {a.statusCode ?? '—'}
                  </td>
                  <td>{a.latencyMs} ms</td>
                  <td>{a.error ?? ''}</td>
                  <td>
                    <code class="excerpt">{a.responseBody}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </div>
  );
}
