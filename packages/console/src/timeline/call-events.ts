import type { ApiClient } from '../api/api-client.ts';
import type { StoredEvent } from '../api/views.ts';

/** Every event of one call from the log, in seq order. */
export async function loadCallEvents(client: ApiClient, callId: string): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await client.listEvents({ callId, limit: 500, ...(after && { after }) });
    events.push(...page.events);
    if (page.events.length < 500) break;
    after = page.nextCursor;
  }
  return events.sort((a, b) => a.seq - b.seq);
}
