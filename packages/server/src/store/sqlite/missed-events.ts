import type { EndpointRecord, MissedEvents } from '../delivery-port.ts';
import type { DeliveryStatements } from './delivery-statements.ts';
import { REPLAY_PAGE, ReplayQueue } from './retry-and-replay.ts';

// What a disabled endpoint missed: the outbox queues nothing for a disabled endpoint, so the
// events logged after its disabled_after_position that its subscription selects never reached
// its lanes. Enabling counts them, or replays them (DeliveryStore.enableEndpoint).

/**
 * Runs inside the enabling transaction, after the endpoint is written enabled (so the lanes
 * of replayed events are settled, not parked). Reads the log after `afterPosition` in pages.
 */
export function takeMissedEvents(
  st: DeliveryStatements,
  endpoint: EndpointRecord,
  afterPosition: number,
  replayMissed: boolean,
  now: number,
): MissedEvents {
  const queue = new ReplayQueue(st, endpoint.id, endpoint, now);
  const missed: MissedEvents = { events: 0, replayed: 0, firstAt: null, lastAt: null };
  let after = afterPosition;
  for (;;) {
    const rows = st.selectEventsAfter.all({ afterPosition: after, limit: REPLAY_PAGE });
    for (const event of rows) {
      const selected = replayMissed ? queue.offer(event) : queue.selects(event);
      if (!selected) continue;
      missed.events += 1;
      // Log order is nearly time order; min and max make the window cover every one anyway.
      missed.firstAt = Math.min(missed.firstAt ?? event.occurred_at, event.occurred_at);
      missed.lastAt = Math.max(missed.lastAt ?? event.occurred_at, event.occurred_at);
    }
    const last = rows[rows.length - 1];
    if (!last || rows.length < REPLAY_PAGE) break;
    after = last.position;
  }
  queue.settle();
  missed.replayed = queue.count;
  return missed;
}
