/**
 * The headers of every delivery (docs/contract.md §4), in wire order. The server's sender and the
 * AsyncAPI document are both typed against this list, so neither can miss or misspell one.
 */
export const DELIVERY_HEADER_NAMES = [
  'content-type',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'callhook-event-type',
  'callhook-call-id',
  'callhook-seq',
  'callhook-previous-seq',
  'callhook-attempt',
] as const;

export type DeliveryHeaderName = (typeof DELIVERY_HEADER_NAMES)[number];

/** The headers of one delivery attempt, all present. */
export type DeliveryHeaders = Record<DeliveryHeaderName, string>;
