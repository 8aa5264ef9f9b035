import type { CallEventType } from '@callhook/sdk';
import {
  type EndpointSelector,
  type EventFacts,
  type Subscription,
  selectorOf,
  selects,
} from '../../delivery/subscription.ts';
import { filterOf } from '../delivery-rows.ts';
import type { DeliveryStatements, EnabledEndpointRow } from './delivery-statements.ts';

// Which endpoints an event goes to, by the subscription rule (delivery/subscription.ts). The
// outbox asks for every appended event, inside the command's transaction, so the enabled
// endpoints' subscriptions are kept in memory and read again only after an endpoint write in
// this process (which invalidates them). One process writes the database file; another
// process's endpoint writes would not be seen until then.

/** A row of enabled endpoints as the outbox matches against it. */
function subscriptionOf(row: Omit<EnabledEndpointRow, 'id'>): Subscription {
  return {
    eventTypes: row.event_types === null ? null : (JSON.parse(row.event_types) as CallEventType[]),
    filter: filterOf(row.filter_stream_id, row.filter_thread_id),
  };
}

export class EnabledEndpoints {
  private selectors: { id: string; selector: EndpointSelector }[] | null = null;

  constructor(private readonly st: DeliveryStatements) {}

  /** Ids of the enabled endpoints the event goes to, in id order. */
  matching(event: EventFacts): string[] {
    const ids: string[] = [];
    for (const { id, selector } of this.load()) if (selects(selector, event)) ids.push(id);
    return ids;
  }

  /** Whether every enabled endpoint is in `ids` (then nothing of theirs is left to claim). */
  allIn(ids: readonly string[]): boolean {
    if (ids.length === 0) return this.load().length === 0;
    const set = new Set(ids);
    return this.load().every(({ id }) => set.has(id));
  }

  /** The enabled endpoint's subscription, made quick to test; undefined if it is not enabled. */
  selectorOf(id: string): EndpointSelector | undefined {
    return this.load().find((e) => e.id === id)?.selector;
  }

  /** Ids of every enabled endpoint, in id order. */
  ids(): string[] {
    return this.load().map(({ id }) => id);
  }

  private load(): { id: string; selector: EndpointSelector }[] {
    this.selectors ??= this.st.selectEnabledEndpointFilters
      .all()
      .map((row) => ({ id: row.id, selector: selectorOf(subscriptionOf(row)) }));
    return this.selectors;
  }

  /** After any endpoint write: read again at the next event. */
  invalidate(): void {
    this.selectors = null;
  }
}
