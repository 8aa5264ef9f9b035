import type { CallEventOf, CallEventType } from '../events/schemas.ts';
import { getHeader, type HeadersInput } from '../signing/header-lookup.ts';
import { DeliveryHeaderError } from './receiver-errors.ts';

/** What the headers say about one delivery of an event. */
export interface DeliveryMeta<T extends CallEventType = CallEventType> {
  /** `webhook-id`: the event's id, the same on every attempt. */
  id: string;
  /** `webhook-timestamp` of this attempt. */
  timestamp: Date;
  /** `callhook-seq`: the event's place in its call (1, 2, 3 …), if sent. */
  seq: number | undefined;
  /**
   * `callhook-previous-seq`: the seq of the previous event of this call that this endpoint
   * was sent, 0 when none. An endpoint filtered by type or thread sees gaps in `seq`; this
   * says which one came before. Undefined from a server that does not send it.
   */
  previousSeq: number | undefined;
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

// The ordering headers steer which handler runs when, so a malformed one is refused (400)
// rather than read as absent: that would hand the event over unordered without a word.
function orderingNumber(headers: HeadersInput, name: string, min: 0 | 1): number | undefined {
  const value = getHeader(headers, name);
  if (value === undefined) return undefined;
  const n = /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!(n >= min)) {
    throw new DeliveryHeaderError(name, value, min === 1 ? 'a positive integer' : 'an integer ≥ 0');
  }
  return n;
}

/**
 * Meta of a verified delivery. `callId` and `eventType` come from the signed body; the
 * `callhook-*` headers are not covered by the signature, so they are only hints. Throws a
 * `DeliveryHeaderError` for a malformed `callhook-seq` or `callhook-previous-seq`.
 */
export function readDeliveryMeta<T extends CallEventType>(
  event: CallEventOf<T>,
  delivery: { id: string; timestamp: Date },
  headers: HeadersInput,
): DeliveryMeta<T> {
  const seq = orderingNumber(headers, 'callhook-seq', 1);
  const previousSeq = orderingNumber(headers, 'callhook-previous-seq', 0);
  if (previousSeq !== undefined && (seq === undefined || previousSeq >= seq)) {
    throw new DeliveryHeaderError(
      'callhook-previous-seq',
      String(previousSeq),
      seq === undefined ? 'sent with a callhook-seq' : `below callhook-seq (${seq})`,
    );
  }
  return {
    id: delivery.id,
    timestamp: delivery.timestamp,
    seq,
    previousSeq,
    attempt: positiveInteger(getHeader(headers, 'callhook-attempt')),
    callId: event.callId,
    eventType: event.eventType as T,
  };
}
