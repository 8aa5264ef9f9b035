import { useEffect, useState } from 'preact/hooks';
import { listAllEndpoints } from '../api/all-endpoints.ts';
import type { ApiClient } from '../api/api-client.ts';
import { describeError } from '../api/api-error.ts';
import type { EndpointView, EndpointWithSecret } from '../api/views.ts';
import { hrefOf } from '../hash-route.ts';
import { useMay } from '../session/access-context.ts';
import { formatTime } from '../ui/format.ts';
import { EndpointForm, fieldsOf } from './endpoint-form.tsx';
import { formatCount, type HealthCounts, loadHealth } from './endpoint-health.ts';
import { SecretOnce } from './secret-once.tsx';

/** Every endpoint with its health, and a form to create one. */
export function EndpointsPage({ client }: { client: ApiClient }) {
  const mayCreate = useMay('createEndpoint');
  const [endpoints, setEndpoints] = useState<EndpointView[] | null>(null);
  const [health, setHealth] = useState<Map<string, HealthCounts>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<EndpointWithSecret | null>(null);
  const [creating, setCreating] = useState(false);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let current = true;
    (async () => {
      const list = await listAllEndpoints(client);
      if (!current) return;
      setEndpoints(list);
      const counts = await Promise.all(list.map((e) => loadHealth(client, e.id)));
      if (current) setHealth(new Map(list.map((e, i) => [e.id, counts[i]!])));
    })().catch((err: unknown) => current && setError(describeError(err)));
    return () => {
      current = false;
    };
  }, [client, version]);

  return (
    <section aria-labelledby="endpoints-title">
      <div class="title-row">
        <h1 id="endpoints-title">Endpoints</h1>
        {mayCreate && (
          <button type="button" onClick={() => setCreating(!creating)} aria-expanded={creating}>
            {creating ? 'Cancel' : 'New endpoint'}
          </button>
        )}
      </div>
      {mayCreate && creating && (
        <EndpointForm
          idPrefix="new-endpoint"
          initial={fieldsOf(null)}
          submitLabel="Create endpoint"
          onSubmit={async (input) => {
            setCreated(await client.createEndpoint(input));
            setCreating(false);
            setVersion((v) => v + 1);
          }}
        />
      )}
      {created && (
        <div class="created">
          <p>
            Created{' '}
            <a href={hrefOf({ screen: 'endpoint', endpointId: created.id })}>{created.url}</a>.
          </p>
          <SecretOnce secret={created.secret} onDone={() => setCreated(null)} />
        </div>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {endpoints && endpoints.length === 0 && <p class="empty">No endpoint yet.</p>}
      {endpoints && endpoints.length > 0 && (
        <div class="table-wrap">
          <table class="endpoints">
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">State</th>
                <th scope="col">Delivered</th>
                <th scope="col">Failed</th>
                <th scope="col">Pending</th>
                <th scope="col">Failing since</th>
              </tr>
            </thead>
            <tbody>
              {endpoints.map((ep) => {
                const counts = health.get(ep.id);
                return (
                  <tr key={ep.id} data-endpoint-id={ep.id}>
                    <td>
                      <a href={hrefOf({ screen: 'endpoint', endpointId: ep.id })}>{ep.url}</a>
                      {ep.description && <div class="muted">{ep.description}</div>}
                    </td>
                    <td>
                      <EnabledBadge endpoint={ep} />
                    </td>
                    <td>{counts ? formatCount(counts.delivered) : '…'}</td>
                    <td>{counts ? formatCount(counts.failed) : '…'}</td>
                    <td>{counts ? formatCount(counts.pending) : '…'}</td>
                    <td>{ep.failingSince === null ? '—' : formatTime(ep.failingSince)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function EnabledBadge({ endpoint }: { endpoint: EndpointView }) {
  if (endpoint.enabled) return <span class="badge status-delivered">enabled</span>;
  return <span class="badge status-failed">disabled ({endpoint.disabledReason ?? 'unknown'})</span>;
}
