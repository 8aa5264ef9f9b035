import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import { describeError } from '../api/api-error.ts';
import type { DeliveryView, EndpointView } from '../api/views.ts';
import { useCallChanges } from '../calls/live-call-updates.ts';
import { hrefOf } from '../hash-route.ts';
import { useActions } from '../session/access-context.ts';
import { DeliveryCard } from '../timeline/delivery-card.tsx';
import { formatTime } from '../ui/format.ts';
import { EndpointForm, fieldsOf } from './endpoint-form.tsx';
import {
  type DeliveryStatus,
  formatCount,
  type HealthCounts,
  loadHealth,
} from './endpoint-health.ts';
import { EnabledBadge } from './endpoints-page.tsx';
import { ReplayWindowForm } from './replay-window-form.tsx';
import { SecretOnce } from './secret-once.tsx';
import { sendTestCall } from './test-event.ts';

interface Loaded {
  endpoint: EndpointView;
  health: HealthCounts;
  deliveries: DeliveryView[];
}

/** One endpoint: its health, its settings, its actions, its latest deliveries. */
export function EndpointPage({ client, endpointId }: { client: ApiClient; endpointId: string }) {
  const may = useActions();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);

  useEffect(() => {
    let current = true;
    Promise.all([
      client.getEndpoint(endpointId),
      loadHealth(client, endpointId),
      client.listDeliveries(endpointId, { limit: 50, ...(status && { status }) }),
    ]).then(
      ([endpoint, health, page]) => {
        if (current) setLoaded({ endpoint, health, deliveries: page.deliveries });
      },
      (err: unknown) => current && setError(describeError(err)),
    );
    return () => {
      current = false;
    };
  }, [client, endpointId, status, version]);

  // New events make new deliveries: read again, at most once a second on a busy stream.
  useCallChanges(client, reload, () => {}, 1000);

  // While something is still to be sent, look again soon (deliveries are not on the stream).
  useEffect(() => {
    if (!loaded?.deliveries.some((d) => d.status === 'pending')) return;
    const timer = setTimeout(reload, 1000);
    return () => clearTimeout(timer);
  }, [loaded, reload]);

  const act = async (what: () => Promise<string | undefined>) => {
    setError(null);
    setNotice(null);
    try {
      const message = await what();
      if (message) setNotice(message);
      reload();
    } catch (err) {
      setError(describeError(err));
    }
  };

  if (!loaded) {
    return error ? (
      <p class="error" role="alert">
        {error}
      </p>
    ) : (
      <p aria-busy="true">Loading the endpoint…</p>
    );
  }
  const { endpoint, health, deliveries } = loaded;
  // Only what the key may do is shown: a read-only key sees the facts and no button.
  const actions = [
    may.sendTestEvent && (
      <button
        key="test"
        type="button"
        onClick={() =>
          act(async () => {
            const callId = await sendTestCall(client, endpoint);
            return `Sent a test call (${callId}): one event of each type.`;
          })
        }
      >
        Send test event
      </button>
    ),
    endpoint.enabled
      ? may.disableEndpoint && (
          <button
            key="disable"
            type="button"
            onClick={() =>
              act(async () => {
                await client.updateEndpoint(endpoint.id, { enabled: false });
                return 'Disabled.';
              })
            }
          >
            Disable
          </button>
        )
      : may.enableEndpoint && (
          <button
            key="enable"
            type="button"
            onClick={() =>
              act(async () => {
                await client.enableEndpoint(endpoint.id);
                return 'Enabled.';
              })
            }
          >
            Enable
          </button>
        ),
    may.rotateSecret && (
      <button
        key="rotate"
        type="button"
        onClick={() =>
          act(async () => {
            setSecret((await client.rotateSecret(endpoint.id)).secret);
            return 'New secret made; the old one keeps signing for 24 h.';
          })
        }
      >
        Rotate secret
      </button>
    ),
    may.editEndpoint && (
      <button key="edit" type="button" onClick={() => setEditing(!editing)} aria-expanded={editing}>
        {editing ? 'Cancel edit' : 'Edit'}
      </button>
    ),
  ].filter(Boolean);
  return (
    <section aria-labelledby="endpoint-title">
      <a href={hrefOf({ screen: 'endpoints' })}>← All endpoints</a>
      <div class="title-row">
        <h1 id="endpoint-title">{endpoint.url}</h1>
        <EnabledBadge endpoint={endpoint} />
      </div>
      <dl class="facts">
        <dt>Id</dt>
        <dd>
          <code>{endpoint.id}</code>
        </dd>
        <dt>Description</dt>
        <dd>{endpoint.description ?? '—'}</dd>
        <dt>Event types</dt>
        <dd>{endpoint.eventTypes === null ? 'every type' : endpoint.eventTypes.join(', ')}</dd>
        <dt>Filter</dt>
        <dd>
          {endpoint.filter === null
            ? 'all calls'
            : Object.entries(endpoint.filter)
                .map(([k, v]) => `${k} = ${v}`)
                .join(', ')}
        </dd>
        <dt>Deliveries</dt>
        <dd>
          {formatCount(health.delivered)} delivered · {formatCount(health.failed)} failed ·{' '}
          {formatCount(health.pending)} pending
        </dd>
        <dt>Failing since</dt>
        <dd>{endpoint.failingSince === null ? '—' : formatTime(endpoint.failingSince)}</dd>
        {endpoint.secretRotation && (
          <>
            <dt>Old secret</dt>
            <dd>signs too until {formatTime(endpoint.secretRotation.previousExpiresAt)}</dd>
          </>
        )}
      </dl>
      {actions.length > 0 && <div class="actions">{actions}</div>}
      {may.sendTestEvent && (
        <p class="note">
          {`The test event is a short call in ${endpoint.filter ? 'the stream and thread of this filter' : 'thread callhook-console-test'}, with one event of each type; every endpoint subscribed there receives it too.`}
        </p>
      )}
      {notice && <output class="notice">{notice}</output>}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {secret && <SecretOnce secret={secret} onDone={() => setSecret(null)} />}
      {may.editEndpoint && editing && (
        <EndpointForm
          idPrefix="edit-endpoint"
          initial={fieldsOf(endpoint)}
          submitLabel="Save"
          onSubmit={async (input) => {
            await client.updateEndpoint(endpoint.id, input);
            setEditing(false);
            reload();
          }}
        />
      )}
      {may.replay && (
        <>
          <h2>Replay</h2>
          <ReplayWindowForm client={client} endpointId={endpoint.id} onReplayed={reload} />
        </>
      )}
      <div class="title-row">
        <h2>Latest deliveries</h2>
        <label>
          Status{' '}
          <select
            value={status}
            onChange={(e) => setStatus(e.currentTarget.value as DeliveryStatus | '')}
          >
            <option value="">any</option>
            <option value="pending">pending</option>
            <option value="delivered">delivered</option>
            <option value="failed">failed</option>
          </select>
        </label>
      </div>
      {deliveries.length === 0 && <p class="empty">No delivery.</p>}
      {deliveries.map((d) => (
        <div key={d.id} class="delivery-row">
          <p>
            <a href={hrefOf({ screen: 'call', callId: d.callId })}>
              #{d.seq} {d.eventType}
            </a>{' '}
            <span class="muted">{formatTime(d.createdAt)}</span>
          </p>
          <DeliveryCard
            client={client}
            delivery={d}
            endpoint={endpoint}
            onRetried={reload}
            attemptsOpen={d.status !== 'delivered'}
          />
        </div>
      ))}
    </section>
  );
}
