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
 * A body parser (e.g. `express.json()`, Fastify's JSON parser) consumed the request before the
 * webhook handler: the exact bytes that were signed are gone. The message says what to do in
 * each framework; the SDK README has a tested recipe for each.
 */
export class RawBodyUnavailableError extends Error {
  readonly code = 'raw_body_unavailable';

  constructor() {
    super(
      'the request body was already consumed by a body parser; the signature covers the raw bytes. ' +
        'Express: mount the handler before express.json(), or use express.raw({ type: "application/json" }) on its route. ' +
        'Fastify: register a parser that keeps the bytes, app.addContentTypeParser("application/json", { parseAs: "buffer" }, (req, body, done) => done(null, body)), ' +
        'then answer with receiver.receive({ rawBody: request.body, headers: request.headers }). ' +
        'Other node frameworks: set req.rawBody to the bytes before the handler runs.',
    );
    this.name = 'RawBodyUnavailableError';
  }
}

/**
 * A web `Request` whose body was already read (`await c.req.json()` in Hono,
 * `await request.json()` in a Next.js route handler) before `receiver.web`: nothing is left
 * to verify. Answered 500, so the sender retries once the code is fixed.
 */
export class BodyAlreadyReadError extends Error {
  readonly code = 'body_already_read';

  constructor() {
    super(
      'the Request body was already read (e.g. c.req.json() in Hono, request.json() in Next.js) before receiver.web; ' +
        'pass the untouched Request (Hono: return receiver.web(c.req.raw) without reading the body first), ' +
        'or read it once as text yourself and call receiver.receive({ rawBody: text, headers: request.headers })',
    );
    this.name = 'BodyAlreadyReadError';
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
