import type { CallEventType } from '@callhook/sdk';
import type pg from 'pg';
import {
  type EndpointSelector,
  type EventFacts,
  selectorOf,
  selects,
} from '../../delivery/subscription.ts';
import { filterOf } from '../delivery-rows.ts';

// The enabled endpoints' subscriptions, as this node last read them, tagged with the endpoint
// generation (a counter every endpoint write bumps in its transaction). A reader holding the
// append lock — which endpoint writes take too — checks the generation first and reads the
// subscriptions again if another node (or this one) changed an endpoint: so an endpoint made on
// any node is matched by the next event on every node, without waiting for a notice.

interface Row {
  id: string;
  event_types: string | null;
  filter_stream_id: string | null;
  filter_thread_id: string | null;
}

export class PgEndpointCache {
  private generation = -1;
  private selectors: { id: string; selector: EndpointSelector }[] = [];
  private reads = 0;

  /** Brings the cache up to date inside the caller's transaction. */
  async refresh(client: pg.ClientBase): Promise<void> {
    const { rows } = await client.query<{ generation: number }>({
      name: 'epc-1',
      text: 'SELECT generation FROM endpoint_generation',
    });
    await this.refreshTo(client, rows[0]?.generation ?? 0);
  }

  /**
   * The same, for a caller that has read the generation itself (a command batch, whose write
   * under the append lock found it changed): reads the endpoints again only if it changed.
   */
  async refreshTo(client: pg.ClientBase, generation: number): Promise<void> {
    if (generation === this.generation) return;
    const enabled = await client.query<Row>({
      name: 'epc-2',
      text: `SELECT id, event_types, filter_stream_id, filter_thread_id FROM endpoints
       WHERE enabled ORDER BY id`,
    });
    this.selectors = enabled.rows.map((row) => ({
      id: row.id,
      selector: selectorOf({
        eventTypes:
          row.event_types === null ? null : (JSON.parse(row.event_types) as CallEventType[]),
        filter: filterOf(row.filter_stream_id, row.filter_thread_id),
      }),
    }));
    this.generation = generation;
    this.reads += 1;
  }

  /** The generation the subscriptions were read at; -1 when they must be read again. */
  get generationRead(): number {
    return this.generation;
  }

  /** Changes each time the endpoints are read again: what was read may differ. */
  get version(): number {
    return this.reads;
  }

  /** Whether a notice said the endpoints changed since they were last read. */
  get invalidated(): boolean {
    return this.generation === -1;
  }

  /** Ids of the enabled endpoints the event goes to, in id order (as of the last refresh). */
  matching(event: EventFacts): string[] {
    const ids: string[] = [];
    for (const { id, selector } of this.selectors) if (selects(selector, event)) ids.push(id);
    return ids;
  }

  /**
   * For a claim, which only needs the endpoints to ask for: reads them again only if they were
   * never read or a notice said endpoints changed (invalidate), not the generation every turn.
   * A list a notice late is harmless there: the claim itself reads each endpoint's `enabled`,
   * and an endpoint made elsewhere is claimed by the node that wrote its deliveries meanwhile.
   */
  async refreshIfInvalidated(client: pg.ClientBase): Promise<void> {
    if (this.generation === -1) await this.refresh(client);
  }

  /** Ids of every enabled endpoint, in id order (as of the last refresh). */
  ids(): string[] {
    return this.selectors.map(({ id }) => id);
  }

  /** Forget what was read (after a rollback of this node's own endpoint write). */
  invalidate(): void {
    this.generation = -1;
  }
}

/** Bumps the endpoint generation: every endpoint write does, in its own transaction. */
export async function bumpEndpointGeneration(client: pg.ClientBase): Promise<void> {
  await client.query({
    name: 'epc-3',
    text: 'UPDATE endpoint_generation SET generation = generation + 1',
  });
}
