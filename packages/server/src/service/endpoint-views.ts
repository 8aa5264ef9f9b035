import type { CallEventType } from '@callhook/sdk';
import type {
  AttemptRecord,
  DeliveryRecord,
  DeliveryStatus,
  EndpointDisabledReason,
  EndpointFilter,
  EndpointRecord,
} from '../store/delivery-port.ts';
import { previousSecretExpiry } from './endpoint-secrets.ts';

// What the API shows of endpoints and deliveries. Secrets never appear here: only the create
// and rotate-secret answers carry one (EndpointWithSecret), once. Times are epoch ms, as in
// the rest of the API.

export interface EndpointView {
  id: string;
  url: string;
  description: string | null;
  eventTypes: CallEventType[] | null;
  filter: EndpointFilter | null;
  enabled: boolean;
  disabledReason: EndpointDisabledReason | null;
  failingSince: number | null;
  createdAt: number;
  updatedAt: number;
  /** While a replaced secret still signs: when the last one stops. */
  secretRotation: { previousExpiresAt: number } | null;
}

/** The create and rotate-secret answer: the only time the secret is shown. */
export interface EndpointWithSecret extends EndpointView {
  secret: string;
}

export interface AttemptView {
  attempt: number;
  startedAt: number;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  responseBody: string;
}

export interface DeliveryView {
  id: string;
  endpointId: string;
  eventId: string;
  callId: string;
  seq: number;
  eventType: CallEventType;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptAt: number | null;
  createdAt: number;
  updatedAt: number;
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
