import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Clock } from '../clock.ts';
import type { DeliveryObserver } from '../delivery/delivery-observer.ts';
import type { DeliveryBacklog, DeliveryBacklogStore } from '../store/delivery-backlog-port.ts';

// Delivery metrics (docs/operations.md "Metrics"): attempts by outcome and status class, their
// latency and lag, in-flight attempts, and — read from the store at scrape time — pending
// deliveries, the age of the oldest, and disabled endpoints. Per-endpoint series exist only
// for the `topEndpoints` endpoints with the oldest pending delivery, so a thousand endpoints
// never make a thousand series; the totals cover all of them.

export const DEFAULT_TOP_ENDPOINTS = 20;

export interface DeliveryMetricsDeps {
  registry: Registry;
  backlog: DeliveryBacklogStore;
  clock: Clock;
  /** The dispatcher's own counters, once it exists. */
  stats?: () => { inFlight: number; waiting: number } | undefined;
  /** Endpoints this node sends (several nodes on PostgreSQL); no gauge without it. */
  ownedEndpoints?: () => number;
  /** Statements sent to the database server so far (PostgreSQL); no counter without it. */
  statements?: () => number;
  topEndpoints?: number;
}

export interface DeliveryMetrics extends DeliveryObserver {
  /** Takes these metrics out of the registry. */
  close(): void;
}

const NAMES = [
  'callhook_delivery_attempts_total',
  'callhook_delivery_attempt_duration_seconds',
  'callhook_delivery_start_lag_seconds',
  'callhook_delivery_leases_expired_total',
  'callhook_endpoints_disabled_by_dispatcher_total',
  'callhook_delivery_attempts_in_flight',
  'callhook_deliveries_pending',
  'callhook_delivery_oldest_pending_age_seconds',
  'callhook_endpoint_deliveries_pending',
  'callhook_endpoint_oldest_pending_age_seconds',
  'callhook_endpoints_disabled',
  'callhook_endpoints_owned',
  'callhook_postgres_statements_total',
] as const;

function statusClass(statusCode: number | null): string {
  return statusCode === null ? 'none' : `${Math.floor(statusCode / 100)}xx`;
}

export function createDeliveryMetrics(deps: DeliveryMetricsDeps): DeliveryMetrics {
  const { registry, backlog, clock } = deps;
  const registers = [registry];
  const top = deps.topEndpoints ?? DEFAULT_TOP_ENDPOINTS;

  // One store read serves every backlog gauge of a scrape (prom-client collects them at once).
  let reading: Promise<DeliveryBacklog | undefined> | null = null;
  const read = () => {
    reading ??= backlog
      .deliveryBacklog()
      .catch(() => undefined) // a store that cannot answer leaves the gauges as they were
      .finally(() => {
        reading = null;
      });
    return reading;
  };

  const attempts = new Counter({
    name: 'callhook_delivery_attempts_total',
    help: 'Webhook delivery attempts, by outcome (delivered, retry, failed = given up), HTTP status class (none = no answer) and error',
    labelNames: ['outcome', 'status_class', 'error'] as const,
    registers,
  });
  const latency = new Histogram({
    name: 'callhook_delivery_attempt_duration_seconds',
    help: 'Time from sending a webhook to its answer (or failure), in seconds',
    labelNames: ['status_class'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
    registers,
  });
  const lag = new Histogram({
    name: 'callhook_delivery_start_lag_seconds',
    help: 'Dispatcher lag: how long after its due time each attempt started, in seconds',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers,
  });
  const leases = new Counter({
    name: 'callhook_delivery_leases_expired_total',
    help: 'Attempts that outlived their lease (another node may have sent the delivery again)',
    registers,
  });
  const disabledNow = new Counter({
    name: 'callhook_endpoints_disabled_by_dispatcher_total',
    help: 'Endpoints this node disabled after an attempt, by reason (gone = 410, failing = 5 days of failures)',
    labelNames: ['reason'] as const,
    registers,
  });
  new Gauge({
    name: 'callhook_delivery_attempts_in_flight',
    help: 'Delivery attempts in flight on this node, and claimed ones waiting for an endpoint slot',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const stats = deps.stats?.();
      if (!stats) return;
      this.set({ state: 'sending' }, stats.inFlight);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });
  new Gauge({
    name: 'callhook_deliveries_pending',
    help: 'Deliveries not yet delivered or given up, over all endpoints',
    registers,
    async collect() {
      const b = await read();
      if (b) this.set(b.endpoints.reduce((sum, e) => sum + e.pending, 0));
    },
  });
  new Gauge({
    name: 'callhook_delivery_oldest_pending_age_seconds',
    help: 'Age of the oldest pending delivery over all endpoints, in seconds (0 when none)',
    registers,
    async collect() {
      const b = await read();
      if (!b) return;
      const oldest = b.endpoints[0];
      this.set(oldest ? Math.max(0, clock.now() - oldest.oldestPendingAt) / 1000 : 0);
    },
  });
  new Gauge({
    name: 'callhook_endpoint_deliveries_pending',
    help: `Pending deliveries of each of the ${top} endpoints with the oldest pending delivery`,
    labelNames: ['endpoint'] as const,
    registers,
    async collect() {
      const b = await read();
      if (!b) return;
      this.reset();
      for (const e of b.endpoints.slice(0, top)) this.set({ endpoint: e.endpointId }, e.pending);
    },
  });
  new Gauge({
    name: 'callhook_endpoint_oldest_pending_age_seconds',
    help: `Age of the oldest pending delivery of each of the ${top} endpoints with the oldest one, in seconds`,
    labelNames: ['endpoint'] as const,
    registers,
    async collect() {
      const b = await read();
      if (!b) return;
      this.reset();
      const now = clock.now();
      for (const e of b.endpoints.slice(0, top)) {
        this.set({ endpoint: e.endpointId }, Math.max(0, now - e.oldestPendingAt) / 1000);
      }
    },
  });
  new Gauge({
    name: 'callhook_endpoints_disabled',
    help: 'Disabled endpoints, by reason (manual, gone = answered 410, failing = 5 days of failures)',
    labelNames: ['reason'] as const,
    registers,
    async collect() {
      const b = await read();
      if (!b) return;
      for (const [reason, n] of Object.entries(b.disabled)) this.set({ reason }, n);
    },
  });

  const owned = deps.ownedEndpoints;
  if (owned) {
    new Gauge({
      name: 'callhook_endpoints_owned',
      help: 'Enabled endpoints whose deliveries this node sends (its share, when several nodes share PostgreSQL)',
      registers,
      collect() {
        this.set(owned());
      },
    });
  }

  const statements = deps.statements;
  if (statements) {
    let counted = 0;
    new Counter({
      name: 'callhook_postgres_statements_total',
      help: 'Statements this node sent to PostgreSQL (each is a round trip)',
      registers,
      collect() {
        const now = statements();
        this.inc(now - counted);
        counted = now;
      },
    });
  }

  return {
    attempted({ delivery, result, decision, startedAt }) {
      const status_class = statusClass(result.statusCode);
      const outcome =
        decision.next.status === 'pending'
          ? 'retry'
          : decision.next.status === 'delivered'
            ? 'delivered'
            : 'failed';
      attempts.inc({ outcome, status_class, error: result.error?.code ?? 'none' });
      latency.observe({ status_class }, result.latencyMs / 1000);
      if (delivery.nextAttemptAt !== null) {
        lag.observe(Math.max(0, startedAt - delivery.nextAttemptAt) / 1000);
      }
      const disable = decision.endpoint?.disable;
      if (disable) disabledNow.inc({ reason: disable });
    },
    leaseExpired() {
      leases.inc();
    },
    close() {
      for (const name of NAMES) registry.removeSingleMetric(name);
    },
  };
}
