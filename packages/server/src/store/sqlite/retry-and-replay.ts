import {
  type EndpointSelector,
  type Subscription,
  selectorOf,
  selects,
} from '../../delivery/subscription.ts';
import { CallhookError } from '../../errors.ts';
import type { DeliveryRecord } from '../delivery-port.ts';
import { deliveryOf, endpointOf, newDeliveryId, type ReplayEventRow } from '../delivery-rows.ts';
import { missingEventError, notSubscribedError, unknownEndpointError } from '../resend-checks.ts';
import type { RetentionHorizon } from '../retention-port.ts';
import { settleLane } from './delivery-lanes.ts';
import type { DeliveryStatements } from './delivery-statements.ts';

// The operator's three ways to send again (docs/contract.md §3): retry a delivery, replay a
// time range, resend one event. Each runs inside one IMMEDIATE transaction (the caller's) and
// leaves every lane it touches under the lane rule.

/** Events are read for a replay in pages of this many. */
export const REPLAY_PAGE = 1000;

/**
 * `beforeWrite(endpointId)` runs once the request is known good, before anything is written
 * (the deferred outbox writes its window out there: a refused request must leave it alone).
 */
export function retryDelivery(
  st: DeliveryStatements,
  id: string,
  now: number,
  beforeWrite: (endpointId: string) => void = () => {},
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
  beforeWrite(row.endpoint_id);
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
  if (!endpoint) throw unknownEndpointError(endpointId);
  const queue = new ReplayQueue(st, endpointId, endpointOf(endpoint), now);
  let after = { afterAt: since, afterPosition: 0 };
  for (;;) {
    const rows = st.selectEventsToReplay.all({ until, ...after, limit: REPLAY_PAGE });
    for (const event of rows) queue.offer(event);
    const last = rows[rows.length - 1];
    if (!last || rows.length < REPLAY_PAGE) break;
    after = { afterAt: last.occurred_at, afterPosition: last.position };
  }
  queue.settle();
  return queue.count;
}

/** One event again to one endpoint, queued as replay queues it (DeliveryStore.resendEvent). */
export function resendEvent(
  st: DeliveryStatements,
  endpointId: string,
  eventId: string,
  now: number,
  horizon: RetentionHorizon,
  beforeWrite: () => void = () => {},
): DeliveryRecord {
  const endpoint = st.selectEndpoint.get({ id: endpointId });
  if (!endpoint) throw unknownEndpointError(endpointId);
  const event = st.selectEventFactsById.get({ id: eventId });
  if (!event) throw missingEventError(eventId, horizon);
  const queue = new ReplayQueue(st, endpointId, endpointOf(endpoint), now);
  if (!queue.selects(event)) throw notSubscribedError(endpointId, eventId, event.type);
  beforeWrite();
  queue.offer(event);
  queue.settle();
  const row = st.selectDelivery.get({ id: queue.lastDeliveryId! });
  if (!row) throw new Error(`resendEvent: delivery ${queue.lastDeliveryId} was not written`);
  return deliveryOf(row);
}

/**
 * Replayed events, offered in log order, become waiting deliveries of one endpoint if its
 * subscription selects them. Each carries the seq of the previous event of its call that the
 * subscription selects (callhook-previous-seq): the previous one queued here, or for a call's
 * first, the last match before it in the log. `settle` then gives each touched lane its head.
 */
export class ReplayQueue {
  /** Events queued. */
  count = 0;
  /** The id of the delivery queued last. */
  lastDeliveryId: string | undefined;
  private readonly selector: EndpointSelector;
  /** Per call, the seq of the last event queued. */
  private readonly lastSeq = new Map<string, number>();

  constructor(
    private readonly st: DeliveryStatements,
    private readonly endpointId: string,
    subscription: Subscription,
    private readonly now: number,
  ) {
    this.selector = selectorOf(subscription);
  }

  /** Whether the subscription selects `event` (nothing is queued). */
  selects(event: ReplayEventRow): boolean {
    return selects(this.selector, factsOf(event));
  }

  /** Whether the subscription selects `event`; then it is queued. */
  offer(event: ReplayEventRow): boolean {
    if (!this.selects(event)) return false;
    const previousSeq = this.lastSeq.get(event.call_id) ?? this.previousInLog(event);
    this.lastDeliveryId = newDeliveryId(this.now);
    this.st.insertWaitingDelivery.run({
      id: this.lastDeliveryId,
      endpointId: this.endpointId,
      eventId: event.id,
      eventPosition: event.position,
      callId: event.call_id,
      seq: event.seq,
      previousSeq,
      eventType: event.type,
      now: this.now,
    });
    this.lastSeq.set(event.call_id, event.seq);
    this.count += 1;
    return true;
  }

  /** The lane rule on every lane written to (a parked lane stays parked). */
  settle(): void {
    for (const callId of this.lastSeq.keys()) {
      settleLane(this.st, { endpointId: this.endpointId, callId }, this.now);
    }
  }

  private previousInLog(event: ReplayEventRow): number {
    const earlier = this.st.selectCallEventsBefore.iterate({
      callId: event.call_id,
      beforeSeq: event.seq,
    });
    for (const row of earlier) if (selects(this.selector, factsOf(row))) return row.seq;
    return 0;
  }
}

function factsOf(row: { type: string; stream_id: string | null; thread_id: string | null }) {
  return { type: row.type, streamId: row.stream_id, threadId: row.thread_id };
}
