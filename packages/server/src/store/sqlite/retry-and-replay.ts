import { CallhookError } from '../../errors.ts';
import type { DeliveryRecord } from '../delivery-port.ts';
import { settleLane } from './delivery-lanes.ts';
import { deliveryOf, newDeliveryId } from './delivery-rows.ts';
import type { DeliveryStatements } from './delivery-statements.ts';
import { selectorOf, selects } from './enabled-endpoints.ts';

// The operator's two ways to send again (CONTRACT.md §3). Both run inside one IMMEDIATE
// transaction (the caller's) and leave every lane they touch under the lane rule.

/** Events are read for a replay in pages of this many. */
const REPLAY_PAGE = 1000;

export function retryDelivery(
  st: DeliveryStatements,
  id: string,
  now: number,
): DeliveryRecord | undefined {
  const row = st.selectDelivery.get({ id });
  if (!row) return undefined;
  if (row.status === 'delivered') {
    throw new CallhookError(
      'conflict',
      `delivery ${id} was delivered already; replay its endpoint to send the event again`,
      { deliveryId: id },
    );
  }
  const inFlight = row.leased_until !== null && row.leased_until > now;
  if (row.status === 'pending' && row.next_attempt_at !== null) {
    // The lane's head: due now, unless an attempt is under way (its outcome decides).
    if (!inFlight) st.setNextAttempt.run({ id, at: now, now });
  } else {
    st.reopenDelivery.run({ id, now });
    settleLane(st, { endpointId: row.endpoint_id, callId: row.call_id }, now);
  }
  const updated = st.selectDelivery.get({ id });
  return updated ? deliveryOf(updated) : undefined;
}

/**
 * New deliveries (new ids, same event ids) of the events that occurred in [since, until] and
 * that the endpoint subscribes to, whether or not they were delivered before. Each is written
 * waiting; then each touched lane gets its head, its lowest seq, so the lane keeps seq order.
 */
export function replay(
  st: DeliveryStatements,
  endpointId: string,
  since: number,
  until: number,
  now: number,
): number {
  const endpoint = st.selectEndpoint.get({ id: endpointId });
  if (!endpoint) {
    throw new CallhookError('not_found', `endpoint ${endpointId} does not exist`, { endpointId });
  }
  const selector = selectorOf(endpoint);
  const calls = new Set<string>();
  let count = 0;
  let after = { afterAt: since, afterPosition: 0 };
  for (;;) {
    const rows = st.selectEventsToReplay.all({ until, ...after, limit: REPLAY_PAGE });
    for (const event of rows) {
      const facts = { type: event.type, streamId: event.stream_id, threadId: event.thread_id };
      if (!selects(selector, facts)) continue;
      st.insertWaitingDelivery.run({
        id: newDeliveryId(now),
        endpointId,
        eventId: event.id,
        eventPosition: event.position,
        callId: event.call_id,
        seq: event.seq,
        eventType: event.type,
        now,
      });
      calls.add(event.call_id);
      count += 1;
    }
    const last = rows[rows.length - 1];
    if (!last || rows.length < REPLAY_PAGE) break;
    after = { afterAt: last.occurred_at, afterPosition: last.position };
  }
  for (const callId of calls) settleLane(st, { endpointId, callId }, now);
  return count;
}
