// Builds deliveries the way the callhook server sends them (docs/contract.md §4), for the tests.
import { type CallEventType, EVENT_EXAMPLES, Webhook } from '@callhook/sdk';

/** Fixed test secrets: `whsec_` + base64 of 24 bytes. */
export const SECRET = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
export const OTHER_SECRET = `whsec_${Buffer.alloc(24, 9).toString('base64')}`;

export const CALL_ID = '522a2f93-4463-4040-8176-947b2c77bd0f';

/** The document's example body of `type`, as JSON, for the call `callId`. */
export function bodyOf(type: CallEventType, callId = CALL_ID): string {
  return JSON.stringify({ ...EVENT_EXAMPLES[type], callId });
}

export interface DeliveryParts {
  id: string;
  body: string;
  date?: Date;
  seq?: number;
  previousSeq?: number;
  attempt?: number;
  secret?: string | string[];
}

/** The headers of one signed delivery. */
export function deliveryHeaders(parts: DeliveryParts): Record<string, string> {
  const date = parts.date ?? new Date();
  const webhook = new Webhook(parts.secret ?? SECRET);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'webhook-id': parts.id,
    'webhook-timestamp': String(Math.floor(date.getTime() / 1000)),
    'webhook-signature': webhook.signAll(parts.id, date, parts.body),
  };
  if (parts.seq !== undefined) headers['callhook-seq'] = String(parts.seq);
  if (parts.previousSeq !== undefined) {
    headers['callhook-previous-seq'] = String(parts.previousSeq);
  }
  if (parts.attempt !== undefined) headers['callhook-attempt'] = String(parts.attempt);
  return headers;
}

/** A POST of a signed delivery to `url`, with real fetch. */
export function postDelivery(url: string, parts: DeliveryParts): Promise<Response> {
  return fetch(url, { method: 'POST', headers: deliveryHeaders(parts), body: parts.body });
}
