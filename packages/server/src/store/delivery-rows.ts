import { createHash } from 'node:crypto';
import type { CallEventType } from '@callhook/sdk';
import { uuidV7Generator } from '../uuid-v7.ts';
import type {
  AttemptRecord,
  DeliveryRecord,
  DeliveryStatus,
  DueDelivery,
  EndpointDisabledReason,
  EndpointFilter,
  EndpointRecord,
  EndpointSecret,
} from './delivery-port.ts';

// Delivery rows as both adapters return them (the PostgreSQL tables have the same columns),
// and their conversion to and from the port's values.
// The enum-like columns are written only from the port's types (and CHECKed), so the casts
// on the way back restore what was there.

export interface EndpointRow {
  id: string;
  url: string;
  description: string | null;
  event_types: string | null;
  filter_stream_id: string | null;
  filter_thread_id: string | null;
  enabled: number;
  disabled_reason: string | null;
  secrets_json: string;
  failing_since: number | null;
  disabled_after_position: number | null;
  created_at: number;
  updated_at: number;
}

export interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_position: number;
  call_id: string;
  seq: number;
  previous_seq: number;
  event_type: string;
  status: string;
  attempt_count: number;
  next_attempt_at: number | null;
  leased_until: number | null;
  created_at: number;
  updated_at: number;
}

export interface DueRow extends DeliveryRow {
  url: string;
  secrets_json: string;
  payload_json: string;
}

export interface AttemptRow {
  delivery_id: string;
  attempt: number;
  started_at: number;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  response_body: string;
}

export interface LaneHeadRow {
  id: string;
  seq: number;
  leased_until: number | null;
}

/** An event as replay reads it: enough to match it against an endpoint and to queue it. */
export interface ReplayEventRow {
  position: number;
  id: string;
  call_id: string;
  seq: number;
  type: string;
  stream_id: string | null;
  thread_id: string | null;
  occurred_at: number;
}

/** An earlier event of a call, as replay looks back through it for the previous match. */
export interface CallEventRow {
  seq: number;
  type: string;
  stream_id: string | null;
  thread_id: string | null;
}

/** `disabledAfterPosition` is not written from the record: the statements set it (delivery-sql.ts). */
export function endpointParams(endpoint: EndpointRecord) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    eventTypes: endpoint.eventTypes === null ? null : JSON.stringify(endpoint.eventTypes),
    filterStreamId: endpoint.filter?.streamId ?? null,
    filterThreadId: endpoint.filter?.threadId ?? null,
    enabled: endpoint.enabled ? 1 : 0,
    disabledReason: endpoint.disabledReason,
    secretsJson: JSON.stringify(endpoint.secrets),
    failingSince: endpoint.failingSince,
    createdAt: endpoint.createdAt,
    updatedAt: endpoint.updatedAt,
  };
}

/** A filter with neither field reads back as null. */
export function endpointOf(row: EndpointRow): EndpointRecord {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types === null ? null : (JSON.parse(row.event_types) as CallEventType[]),
    filter: filterOf(row.filter_stream_id, row.filter_thread_id),
    enabled: row.enabled === 1,
    disabledReason: row.disabled_reason as EndpointDisabledReason | null,
    secrets: JSON.parse(row.secrets_json) as EndpointSecret[],
    failingSince: row.failing_since,
    disabledAfterPosition: row.enabled === 1 ? null : row.disabled_after_position,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function filterOf(streamId: string | null, threadId: string | null): EndpointFilter | null {
  if (streamId === null && threadId === null) return null;
  const filter: EndpointFilter = {};
  if (streamId !== null) filter.streamId = streamId;
  if (threadId !== null) filter.threadId = threadId;
  return filter;
}

export function deliveryOf(row: DeliveryRow): DeliveryRecord {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventPosition: row.event_position,
    callId: row.call_id,
    seq: row.seq,
    previousSeq: row.previous_seq,
    eventType: row.event_type as CallEventType,
    status: row.status as DeliveryStatus,
    attemptCount: row.attempt_count,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The secrets of an endpoint row that still sign at `now`, in the stored order: newest first. */
export function liveSecrets(secretsJson: string, now: number): string[] {
  return (JSON.parse(secretsJson) as EndpointSecret[])
    .filter((s) => s.expiresAt === null || s.expiresAt > now)
    .map((s) => s.secret);
}

/** Live secrets only (not expired at `now`), in the stored order: newest first. */
export function dueDeliveryOf(row: DueRow, now: number): DueDelivery {
  const secrets = liveSecrets(row.secrets_json, now);
  return { ...deliveryOf(row), url: row.url, secrets, body: row.payload_json };
}

export function attemptOf(row: AttemptRow): AttemptRecord {
  return {
    deliveryId: row.delivery_id,
    attempt: row.attempt,
    startedAt: row.started_at,
    statusCode: row.status_code,
    latencyMs: row.latency_ms,
    error: row.error,
    responseBody: row.response_body,
  };
}

export function attemptParams(attempt: AttemptRecord) {
  return {
    deliveryId: attempt.deliveryId,
    attempt: attempt.attempt,
    startedAt: attempt.startedAt,
    statusCode: attempt.statusCode,
    // The column is an integer; a sub-millisecond part is noise.
    latencyMs: Math.round(attempt.latencyMs),
    error: attempt.error,
    responseBody: attempt.responseBody,
  };
}

/** The time the next delivery id carries (see newDeliveryId). */
let idTime = 0;
const nextIdUuid = uuidV7Generator(() => idTime);

/**
 * `dlv_` + the 32 hex digits of a UUIDv7 of the creation time (uuid-v7.ts): ids sort in the
 * order they were made, also within one millisecond, so the outbox appends to the id index and
 * to every index that ends in the id, instead of writing a random page of each per delivery.
 */
export function newDeliveryId(at: number): string {
  idTime = at;
  return `dlv_${nextIdUuid().replaceAll('-', '')}`;
}

/**
 * The id of the outbox delivery of one event to one endpoint, the same however often it is
 * made: `dlv_` + a UUIDv7 layout of the event's time whose other bits are a hash of the
 * endpoint and event ids. The deferred outbox (sqlite/unwritten-deliveries.ts) makes it before
 * the row is written, and again after a restart for the same delivery. Replays and resends
 * make new deliveries of an event, with `newDeliveryId`.
 */
export function outboxDeliveryId(at: number, endpointId: string, eventId: string): string {
  const hash = createHash('sha256').update(endpointId).update('\0').update(eventId).digest('hex');
  const time = Math.max(0, Math.floor(at)).toString(16).padStart(12, '0').slice(-12);
  const variant = (0x8 | (Number.parseInt(hash[3] as string, 16) & 0x3)).toString(16);
  return `dlv_${time}7${hash.slice(0, 3)}${variant}${hash.slice(4, 19)}`;
}

/**
 * When the event of a delivery with this id happened, if the id has the layout of
 * `outboxDeliveryId` (a lookup finds the delivery's event among the few of that millisecond);
 * null for anything else.
 */
export function outboxDeliveryTime(id: string): number | null {
  const match = /^dlv_([0-9a-f]{12})7[0-9a-f]{3}[89ab][0-9a-f]{15}$/.exec(id);
  return match ? Number.parseInt(match[1] as string, 16) : null;
}
