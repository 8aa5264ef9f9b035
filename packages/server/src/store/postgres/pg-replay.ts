import type pg from 'pg';
import {
  type EndpointSelector,
  type Subscription,
  selectorOf,
  selects,
} from '../../delivery/subscription.ts';
import { newDeliveryId } from '../delivery-rows.ts';
import { settleLane } from './pg-lanes.ts';

// Events sent again to one endpoint (replay, and the missed events of an endpoint enabled with
// replayMissed): the rule of the SQLite adapter's ReplayQueue. Events offered in log order
// become waiting deliveries if the subscription selects them, each with the seq of the previous
// event of its call the subscription selects; `settle` writes them and gives each lane its head.

export const REPLAY_PAGE = 1000;

export interface EventFactsRow {
  position: number;
  id: string;
  call_id: string;
  seq: number;
  type: string;
  stream_id: string;
  thread_id: string;
  occurred_at: number;
}

export const EVENT_FACT_COLUMNS =
  'position, id, call_id, seq, type, stream_id, thread_id, occurred_at';

export class PgReplayQueue {
  count = 0;
  /** The id of the delivery queued last (written at the next `settle`). */
  lastDeliveryId: string | undefined;
  private readonly selector: EndpointSelector;
  private readonly lastSeq = new Map<string, number>();
  private rows: { id: string; event: EventFactsRow; previousSeq: number }[] = [];

  constructor(
    private readonly c: pg.ClientBase,
    private readonly endpointId: string,
    subscription: Subscription,
    private readonly now: number,
  ) {
    this.selector = selectorOf(subscription);
  }

  selects(event: EventFactsRow): boolean {
    return selects(this.selector, factsOf(event));
  }

  async offer(event: EventFactsRow): Promise<boolean> {
    if (!this.selects(event)) return false;
    const previousSeq = this.lastSeq.get(event.call_id) ?? (await this.previousInLog(event));
    this.lastDeliveryId = newDeliveryId(this.now);
    this.rows.push({ id: this.lastDeliveryId, event, previousSeq });
    this.lastSeq.set(event.call_id, event.seq);
    this.count += 1;
    if (this.rows.length >= REPLAY_PAGE) await this.write();
    return true;
  }

  async settle(): Promise<void> {
    await this.write();
    for (const callId of this.lastSeq.keys()) {
      await settleLane(this.c, { endpointId: this.endpointId, callId }, this.now);
    }
  }

  private async write(): Promise<void> {
    const rows = this.rows;
    this.rows = [];
    if (rows.length === 0) return;
    await this.c.query(
      `INSERT INTO deliveries (id, endpoint_id, event_id, event_position, call_id, seq,
         previous_seq, event_type, status, attempt_count, next_attempt_at, created_at, updated_at)
       SELECT id, $9, event_id, event_position, call_id, seq, previous_seq, event_type,
         'pending', 0, NULL, $10, $10
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::integer[],
         $6::integer[], $7::text[], $8::bigint[])
         AS d(id, event_id, event_position, call_id, seq, previous_seq, event_type, n)
       ORDER BY n`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.event.id),
        rows.map((r) => r.event.position),
        rows.map((r) => r.event.call_id),
        rows.map((r) => r.event.seq),
        rows.map((r) => r.previousSeq),
        rows.map((r) => r.event.type),
        rows.map((_, i) => i),
        this.endpointId,
        this.now,
      ],
    );
  }

  private async previousInLog(event: EventFactsRow): Promise<number> {
    const { rows } = await this.c.query<Omit<EventFactsRow, 'position' | 'id' | 'occurred_at'>>(
      `SELECT call_id, seq, type, stream_id, thread_id FROM events
       WHERE call_id = $1 AND seq < $2 ORDER BY seq DESC`,
      [event.call_id, event.seq],
    );
    for (const row of rows) if (selects(this.selector, factsOf(row))) return row.seq;
    return 0;
  }
}

function factsOf(row: { type: string; stream_id: string; thread_id: string }) {
  return { type: row.type, streamId: row.stream_id, threadId: row.thread_id };
}
