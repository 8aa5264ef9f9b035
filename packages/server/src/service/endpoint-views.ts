import type { AttemptRecord, DeliveryRecord, EndpointRecord } from '../store/delivery-port.ts';
import { previousSecretExpiry } from './endpoint-secrets.ts';

// What the API shows of endpoints and deliveries. Secrets never appear here: only the create
// and rotate-secret answers carry one (EndpointWithSecret), once. Times are epoch ms, as in
// the rest of the API.

/**
 * The stored endpoint without its secrets and its internal log position (views are derived
 * from the port's records); what a disabled endpoint missed is told when it is enabled.
 */
export interface EndpointView extends Omit<EndpointRecord, 'secrets' | 'disabledAfterPosition'> {
  /** While a replaced secret still signs: when the last one stops. */
  secretRotation: { previousExpiresAt: number } | null;
}

/** The create and rotate-secret answer: the only time the secret is shown. */
export interface EndpointWithSecret extends EndpointView {
  secret: string;
}

export type AttemptView = Omit<AttemptRecord, 'deliveryId'>;

/** The stored delivery without its internal log position, with its attempts. */
export interface DeliveryView extends Omit<DeliveryRecord, 'eventPosition'> {
  attempts: AttemptView[];
}

export function endpointView(endpoint: EndpointRecord, now: number): EndpointView {
  const previousExpiresAt = previousSecretExpiry(endpoint.secrets, now);
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    eventTypes: endpoint.eventTypes,
    filter: endpoint.filter,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    failingSince: endpoint.failingSince,
    createdAt: endpoint.createdAt,
    updatedAt: endpoint.updatedAt,
    secretRotation: previousExpiresAt === null ? null : { previousExpiresAt },
  };
}

export function deliveryView(
  delivery: DeliveryRecord & { attempts: AttemptRecord[] },
): DeliveryView {
  return {
    id: delivery.id,
    endpointId: delivery.endpointId,
    eventId: delivery.eventId,
    callId: delivery.callId,
    seq: delivery.seq,
    previousSeq: delivery.previousSeq,
    eventType: delivery.eventType,
    status: delivery.status,
    attemptCount: delivery.attemptCount,
    nextAttemptAt: delivery.nextAttemptAt,
    createdAt: delivery.createdAt,
    updatedAt: delivery.updatedAt,
    attempts: delivery.attempts.map((a) => ({
      attempt: a.attempt,
      startedAt: a.startedAt,
      statusCode: a.statusCode,
      latencyMs: a.latencyMs,
      error: a.error,
      responseBody: a.responseBody,
    })),
  };
}
