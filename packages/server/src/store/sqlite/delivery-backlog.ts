import type Database from 'better-sqlite3';
import type {
  DeliveryBacklog,
  DeliveryBacklogStore,
  EndpointBacklog,
} from '../delivery-backlog-port.ts';
import type { EndpointDisabledReason } from '../delivery-port.ts';
import type { UnwrittenBacklog } from './unwritten-deliveries.ts';

// Per endpoint, each figure from the (endpoint_id, status, created_at) index: a count of its
// pending range and the range's first row.
const SELECT_BACKLOG = `
  SELECT endpoint_id, pending, oldest FROM (
    SELECT e.id AS endpoint_id,
      (SELECT COUNT(*) FROM deliveries AS d
        WHERE d.endpoint_id = e.id AND d.status = 'pending') AS pending,
      (SELECT MIN(d.created_at) FROM deliveries AS d
        WHERE d.endpoint_id = e.id AND d.status = 'pending') AS oldest
    FROM endpoints AS e)
  WHERE pending > 0
  ORDER BY oldest, endpoint_id`;

const SELECT_DISABLED = `
  SELECT disabled_reason AS reason, COUNT(*) AS n FROM endpoints
  WHERE enabled = 0 GROUP BY disabled_reason`;

export class SqliteDeliveryBacklog implements DeliveryBacklogStore {
  private readonly backlog: Database.Statement<
    [],
    { endpoint_id: string; pending: number; oldest: number }
  >;
  private readonly disabled: Database.Statement<[], { reason: string | null; n: number }>;

  /**
   * `unwritten` counts, per endpoint, the deliveries of the deferred outbox not written yet
   * (SqliteDeliveryStore.unwrittenBacklog), which are pending as much as the rows are.
   */
  constructor(
    db: Database.Database,
    private readonly unwritten: () => ReadonlyMap<string, UnwrittenBacklog> = () => new Map(),
  ) {
    this.backlog = db.prepare(SELECT_BACKLOG);
    this.disabled = db.prepare(SELECT_DISABLED);
  }

  async deliveryBacklog(): Promise<DeliveryBacklog> {
    const disabled: Record<EndpointDisabledReason, number> = { manual: 0, gone: 0, failing: 0 };
    for (const row of this.disabled.all()) {
      disabled[(row.reason ?? 'manual') as EndpointDisabledReason] += row.n;
    }
    const byEndpoint = new Map<string, EndpointBacklog>();
    for (const r of this.backlog.all()) {
      byEndpoint.set(r.endpoint_id, {
        endpointId: r.endpoint_id,
        pending: r.pending,
        oldestPendingAt: r.oldest,
      });
    }
    for (const [endpointId, more] of this.unwritten()) {
      const rows = byEndpoint.get(endpointId);
      byEndpoint.set(endpointId, {
        endpointId,
        pending: (rows?.pending ?? 0) + more.pending,
        oldestPendingAt: Math.min(rows?.oldestPendingAt ?? more.oldestAt, more.oldestAt),
      });
    }
    const endpoints = [...byEndpoint.values()].sort(
      (a, b) =>
        a.oldestPendingAt - b.oldestPendingAt ||
        (a.endpointId < b.endpointId ? -1 : a.endpointId > b.endpointId ? 1 : 0),
    );
    return { endpoints, disabled };
  }
}
