import { newDeliveryId } from '../delivery-rows.ts';
import type { StoredEvent } from '../port.ts';
import type { DeliveryStatements } from './delivery-statements.ts';
import type { EnabledEndpoints } from './enabled-endpoints.ts';
import type { EventsAppendedHook } from './run-command.ts';

// The transactional outbox: registered at open as the first EventsAppendedHook, it writes one
// delivery per matching enabled endpoint in the transaction that appends the event, so a crash
// can neither lose a delivery of a committed event nor leave one for an event rolled back.

export function createOutboxHook(
  st: DeliveryStatements,
  endpoints: EnabledEndpoints,
): EventsAppendedHook {
  return (_db, events) => {
    for (const event of events) appendToOutbox(st, endpoints, event);
  };
}

function appendToOutbox(
  st: DeliveryStatements,
  endpoints: EnabledEndpoints,
  event: StoredEvent,
): void {
  const ids = endpoints.matching({
    type: event.type,
    streamId: event.payload.streamId,
    threadId: event.payload.threadId,
  });
  for (const endpointId of ids) {
    // Due when the event happened (the engine's clock), unless it waits behind its lane's head.
    st.insertOutboxDelivery.run({
      id: newDeliveryId(event.occurredAt),
      endpointId,
      eventId: event.id,
      eventPosition: event.position,
      callId: event.callId,
      seq: event.seq,
      eventType: event.type,
      now: event.occurredAt,
    });
  }
}
