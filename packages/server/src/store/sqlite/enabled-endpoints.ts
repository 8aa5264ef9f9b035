import type { DeliveryStatements, EnabledEndpointRow } from './delivery-statements.ts';

// Which endpoints an event goes to. The outbox asks for every appended event, inside the
// command's transaction, so the enabled endpoints' filters are kept in memory and read again
// only after an endpoint write in this process (which invalidates them). One process writes
// the database file; another process's endpoint writes would not be seen until then.

/** The facts of an event that subscriptions select on. */
export interface EventFacts {
  type: string;
  streamId: string | null;
  threadId: string | null;
}

export interface EndpointSelector {
  /** null: every event type. */
  eventTypes: ReadonlySet<string> | null;
  streamId: string | null;
  threadId: string | null;
}

export function selectorOf(row: Omit<EnabledEndpointRow, 'id'>): EndpointSelector {
  return {
    eventTypes: row.event_types === null ? null : new Set(JSON.parse(row.event_types) as string[]),
    streamId: row.filter_stream_id,
    threadId: row.filter_thread_id,
  };
}

/** The one rule of subscription, for the outbox and for replay alike. */
export function selects(selector: EndpointSelector, event: EventFacts): boolean {
  return (
    (selector.eventTypes === null || selector.eventTypes.has(event.type)) &&
    (selector.streamId === null || selector.streamId === event.streamId) &&
    (selector.threadId === null || selector.threadId === event.threadId)
  );
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

  private load(): { id: string; selector: EndpointSelector }[] {
    this.selectors ??= this.st.selectEnabledEndpointFilters
      .all()
      .map((row) => ({ id: row.id, selector: selectorOf(row) }));
    return this.selectors;
  }

  /** After any endpoint write: read again at the next event. */
  invalidate(): void {
    this.selectors = null;
  }
}
