// The headers of one delivery attempt, exactly as docs/contract.md §4 puts them on the wire.
// Signing is the SDK's Webhook (one implementation of Standard Webhooks for both sides);
// user-agent is the sender's.
import { type DeliveryHeaders, Webhook } from '@callhook/sdk';
import { CallhookError } from '../errors.ts';
import type { DeliveryRecord, EndpointSecret } from '../store/delivery-port.ts';

/** A secret as text (taken as live), or as stored with its expiry. */
export type SigningSecret = string | Pick<EndpointSecret, 'secret' | 'expiresAt'>;

export interface DeliveryHeadersInput {
  delivery: Pick<DeliveryRecord, 'eventId' | 'eventType' | 'callId' | 'seq' | 'previousSeq'>;
  /** 1 for the first attempt. */
  attempt: number;
  /** The body exactly as sent; the signature covers these characters. */
  body: string;
  /** The endpoint's secrets; each live one signs (rotation), expired ones are skipped. */
  secrets: readonly SigningSecret[];
  /** Clock time of this attempt (ms). */
  now: number;
}

export function buildDeliveryHeaders(input: DeliveryHeadersInput): DeliveryHeaders {
  const { delivery, attempt, body, now } = input;
  const live = liveSecrets(input.secrets, now);
  if (live.length === 0) {
    throw new CallhookError(
      'internal',
      'the endpoint has no live signing secret; rotate its secret to give it a new one',
      { eventId: delivery.eventId },
    );
  }
  // Both the timestamp header and the signed content use whole seconds of the same instant.
  const at = new Date(now);
  return {
    'content-type': 'application/json',
    'webhook-id': delivery.eventId,
    'webhook-timestamp': String(Math.floor(now / 1000)),
    'webhook-signature': new Webhook(live).signAll(delivery.eventId, at, body),
    'callhook-event-type': delivery.eventType,
    'callhook-call-id': delivery.callId,
    'callhook-seq': String(delivery.seq),
    'callhook-previous-seq': String(delivery.previousSeq),
    'callhook-attempt': String(attempt),
  };
}

/** Secrets that still sign at `now`: no expiry, or one still ahead. */
export function liveSecrets(secrets: readonly SigningSecret[], now: number): string[] {
  const live: string[] = [];
  for (const s of secrets) {
    if (typeof s === 'string') live.push(s);
    else if (s.expiresAt === null || s.expiresAt > now) live.push(s.secret);
  }
  return live;
}
