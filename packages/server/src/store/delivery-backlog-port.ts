import type { EndpointDisabledReason } from './delivery-port.ts';

// What waits to be delivered, for metrics (read at scrape time, never on a hot path).

export interface EndpointBacklog {
  endpointId: string;
  /** Deliveries of the endpoint with status pending (due, waiting in a lane, or in flight). */
  pending: number;
  /** `createdAt` of its oldest pending delivery. */
  oldestPendingAt: number;
}

export interface DeliveryBacklog {
  /** Every endpoint with at least one pending delivery, oldest pending first (ties by id). */
  endpoints: EndpointBacklog[];
  /** Disabled endpoints by reason; every reason present, 0 when none. */
  disabled: Record<EndpointDisabledReason, number>;
}

export interface DeliveryBacklogStore {
  deliveryBacklog(): Promise<DeliveryBacklog>;
}
