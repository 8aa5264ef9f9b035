import type { CallEvent } from '../events/schemas.ts';
import type { WebhookVerificationError } from '../signing/webhook-verification-error.ts';
import type { DeliveryMeta } from './delivery-meta.ts';

/** One or more handlers threw for a delivery; it was answered 500 so the sender retries it. */
export class HandlerError extends Error {
  readonly code = 'handler_failed';
  readonly event: CallEvent;
  readonly meta: DeliveryMeta;
  /** What each failing handler threw. */
  readonly errors: readonly unknown[];

  constructor(event: CallEvent, meta: DeliveryMeta, errors: readonly unknown[]) {
    const first = errors[0] instanceof Error ? errors[0].message : String(errors[0]);
    super(
      `${errors.length} handler(s) failed for ${meta.eventType} ${meta.id} (answered 500, the sender will retry): ${first}`,
      { cause: errors[0] },
    );
    this.name = 'HandlerError';
    this.event = event;
    this.meta = meta;
    this.errors = errors;
  }
}

/**
 * Ordered mode waited `gapTimeoutMs` for missing events of a call and gave up on them: handlers
 * go on with the next buffered event. The missing ones may still arrive late, out of order.
 */
export class OrderingGapError extends Error {
  readonly code = 'sequence_gap';
  readonly callId: string;
  /**
   * The seqs that never arrived, ascending: the `callhook-previous-seq` the next event named
   * (events between may simply not be sent to this endpoint), or, without that header, every
   * seq between.
   */
  readonly missingSeqs: readonly number[];

  constructor(callId: string, missingSeqs: readonly number[]) {
    super(
      `call ${callId}: gave up waiting for seq ${missingSeqs.join(', ')}; going on without them`,
    );
    this.name = 'OrderingGapError';
    this.callId = callId;
    this.missingSeqs = missingSeqs;
  }
}

/** Ordered mode holds too many early events; this one was answered 503 to come back later. */
export class OrderingBufferFullError extends Error {
  readonly code = 'ordering_buffer_full';
  readonly callId: string;
  readonly seq: number;

  constructor(callId: string, seq: number, maxBuffered: number) {
    super(
      `call ${callId} seq ${seq}: ${maxBuffered} early events already held (answered 503, the sender will retry); raise ordered.maxBuffered if this is normal load`,
    );
    this.name = 'OrderingBufferFullError';
    this.callId = callId;
    this.seq = seq;
  }
}

/**
 * A signed delivery whose `callhook-seq` or `callhook-previous-seq` header is malformed (or a
 * previous seq not below its seq); answered 400: the sender's bug, ordering cannot trust it.
 */
export class DeliveryHeaderError extends Error {
  readonly code = 'invalid_header';
  readonly header: string;
  readonly value: string;

  constructor(header: string, value: string, expected: string) {
    super(`${header} is ${JSON.stringify(value)}; it must be ${expected} (answered 400)`);
    this.name = 'DeliveryHeaderError';
    this.header = header;
    this.value = value;
  }
}

/** The body is over the receiver's `maxBodyBytes`; answered 413. */
export class PayloadTooLargeError extends Error {
  readonly code = 'payload_too_large';
  readonly maxBodyBytes: number;

  constructor(maxBodyBytes: number) {
    super(`webhook body is larger than ${maxBodyBytes} bytes (maxBodyBytes)`);
    this.name = 'PayloadTooLargeError';
    this.maxBodyBytes = maxBodyBytes;
  }
}

/** The dedupe store failed; the delivery was answered 500 (or recorded as unseen). */
export class DedupeStoreError extends Error {
  readonly code = 'dedupe_store_failed';

  constructor(operation: 'has' | 'add', cause: unknown) {
    super(
      `dedupe store ${operation}() failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
    this.name = 'DedupeStoreError';
  }
}

/**
 * A body parser (e.g. `express.json()`) consumed the request before the webhook handler: the
 * exact bytes that were signed are gone. Mount the handler before body parsers, use
 * `express.raw({ type: 'application/json' })`, or keep the bytes on `req.rawBody`.
 */
export class RawBodyUnavailableError extends Error {
  readonly code = 'raw_body_unavailable';

  constructor() {
    super(
      'the request body was already consumed by a body parser; the signature needs the raw bytes: mount the webhook handler before express.json(), use express.raw({ type: "application/json" }), or set req.rawBody',
    );
    this.name = 'RawBodyUnavailableError';
  }
}

/** Everything a receiver reports to its `onError` handlers. */
export type ReceiverError =
  | WebhookVerificationError
  | DeliveryHeaderError
  | HandlerError
  | OrderingGapError
  | OrderingBufferFullError
  | PayloadTooLargeError
  | DedupeStoreError;
