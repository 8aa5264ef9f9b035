import type { CallEventOf, CallEventType } from '../events/schemas.ts';
import { getHeader, type HeadersInput } from '../signing/header-lookup.ts';

/** What the headers say about one delivery of an event. */
export interface DeliveryMeta<T extends CallEventType = CallEventType> {
  /** `webhook-id`: the event's id, the same on every attempt. */
  id: string;
  /** `webhook-timestamp` of this attempt. */
  timestamp: Date;
  /** `callhook-seq`: the event's place in its call (1, 2, 3 …), if sent. */
  seq: number | undefined;
  /** `callhook-attempt`: 1 for the first try, if sent. */
  attempt: number | undefined;
  callId: string;
  eventType: T;
}

function positiveInteger(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,15}$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return n >= 1 ? n : undefined;
}

/**
 * Meta of a verified delivery. `callId` and `eventType` come from the signed body; the
 * `callhook-*` headers are not covered by the signature, so they are only hints.
 */
export function readDeliveryMeta<T extends CallEventType>(
  event: CallEventOf<T>,
  delivery: { id: string; timestamp: Date },
  headers: HeadersInput,
): DeliveryMeta<T> {
  return {
    id: delivery.id,
    timestamp: delivery.timestamp,
    seq: positiveInteger(getHeader(headers, 'callhook-seq')),
    attempt: positiveInteger(getHeader(headers, 'callhook-attempt')),
    callId: event.callId,
    eventType: event.eventType as T,
  };
}
