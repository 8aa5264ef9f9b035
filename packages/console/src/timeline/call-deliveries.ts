import { listAllEndpoints } from '../api/all-endpoints.ts';
import type { ApiClient } from '../api/api-client.ts';
import type { CallView, DeliveryView, EndpointView } from '../api/views.ts';

export interface CallDeliveries {
  endpoints: EndpointView[];
  /** Deliveries of the call by event id, one per endpoint the event went to. */
  byEvent: Map<string, DeliveryView[]>;
  /** Endpoints whose newer deliveries were too many to reach back to this call. */
  notReached: string[];
}

const PAGE = 500;
const MAX_PAGES = 10;

/**
 * The call's deliveries at every endpoint, through the public listing (newest first): each
 * endpoint is read back to the call's creation, since a delivery is made no earlier than its
 * event. An endpoint with more than MAX_PAGES pages of newer deliveries is named, not read.
 */
export async function loadCallDeliveries(
  client: ApiClient,
  call: CallView,
): Promise<CallDeliveries> {
  const endpoints = await listAllEndpoints(client);
  const byEvent = new Map<string, DeliveryView[]>();
  const notReached: string[] = [];
  await Promise.all(
    endpoints.map(async (endpoint) => {
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const result = await client.listDeliveries(endpoint.id, { limit: PAGE, cursor });
        for (const delivery of result.deliveries) {
          if (delivery.callId !== call.callId) continue;
          const list = byEvent.get(delivery.eventId) ?? [];
          list.push(delivery);
          byEvent.set(delivery.eventId, list);
        }
        const oldest = result.deliveries.at(-1);
        if (result.nextCursor === null || !oldest || oldest.createdAt < call.createdAt) return;
        cursor = result.nextCursor;
      }
      notReached.push(endpoint.id);
    }),
  );
  return { endpoints, byEvent, notReached };
}

/** Whether any delivery of the call is still to be sent (worth looking again soon). */
export function anyPending(deliveries: CallDeliveries): boolean {
  for (const list of deliveries.byEvent.values()) {
    if (list.some((d) => d.status === 'pending')) return true;
  }
  return false;
}
