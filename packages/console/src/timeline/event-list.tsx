import type { ApiClient } from '../api/api-client.ts';
import type { StoredEvent } from '../api/views.ts';
import { formatClock } from '../ui/format.ts';
import type { CallDeliveries } from './call-deliveries.ts';
import { DeliveryCard } from './delivery-card.tsx';

/** The call's events in seq order, each with its body and its delivery at every endpoint. */
export function EventList({
  client,
  events,
  deliveries,
  onChanged,
}: {
  client: ApiClient;
  events: StoredEvent[];
  deliveries: CallDeliveries;
  onChanged: () => void;
}) {
  const endpoints = new Map(deliveries.endpoints.map((e) => [e.id, e]));
  return (
    <ol class="events">
      {events.map((event) => {
        const sent = deliveries.byEvent.get(event.id) ?? [];
        return (
          <li key={event.id} class="event" data-seq={event.seq} data-type={event.type}>
            <div class="event-head">
              <span class="seq">#{event.seq}</span>
              <strong>{event.type}</strong>
              <time dateTime={new Date(event.occurredAt).toISOString()}>
                {formatClock(event.occurredAt)}
              </time>
            </div>
            <details>
              <summary>Body</summary>
              <pre>{JSON.stringify(event.payload, null, 2)}</pre>
            </details>
            {sent.length === 0
              ? deliveries.endpoints.length > 0 && (
                  <p class="muted">Not delivered to any endpoint.</p>
                )
              : sent.map((d) => (
                  <DeliveryCard
                    key={d.id}
                    client={client}
                    delivery={d}
                    endpoint={endpoints.get(d.endpointId)}
                    onRetried={onChanged}
                  />
                ))}
          </li>
        );
      })}
    </ol>
  );
}
