import type { EndpointRecord } from '../store/delivery-port.ts';

// Which events an endpoint subscribes to (docs/contract.md §3 "Endpoints"): its event types (null:
// all) and its filter (stream and/or thread). One rule for every store adapter: the outbox
// matches each new event with it, replay each logged one, and so does counting what a
// disabled endpoint missed.

/** What a subscription selects on: an endpoint's `eventTypes` and `filter`. */
export type Subscription = Pick<EndpointRecord, 'eventTypes' | 'filter'>;

/** The facts of an event that subscriptions select on. */
export interface EventFacts {
  type: string;
  streamId: string | null;
  threadId: string | null;
}

/** A subscription made quick to test, for matching many events against it. */
export interface EndpointSelector {
  /** null: every event type. */
  eventTypes: ReadonlySet<string> | null;
  streamId: string | null;
  threadId: string | null;
}

export function selectorOf(subscription: Subscription): EndpointSelector {
  return {
    eventTypes: subscription.eventTypes === null ? null : new Set(subscription.eventTypes),
    streamId: subscription.filter?.streamId ?? null,
    threadId: subscription.filter?.threadId ?? null,
  };
}

/** The one rule of subscription: every type if none listed, and each filter field equal. */
export function selects(selector: EndpointSelector, event: EventFacts): boolean {
  return (
    (selector.eventTypes === null || selector.eventTypes.has(event.type)) &&
    (selector.streamId === null || selector.streamId === event.streamId) &&
    (selector.threadId === null || selector.threadId === event.threadId)
  );
}
