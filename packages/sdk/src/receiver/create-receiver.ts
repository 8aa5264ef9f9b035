import type { CallEvent, CallEventType } from '../events/schemas.ts';
import type { HeadersInput } from '../signing/header-lookup.ts';
import { parseVerifiedBody, Webhook } from '../signing/webhook.ts';
import { WebhookVerificationError } from '../signing/webhook-verification-error.ts';
import { CallSequencer, type OrderedOptions } from './call-sequencer.ts';
import { type DedupeStore, MemoryDedupeStore } from './dedupe-store.ts';
import { type DeliveryMeta, readDeliveryMeta } from './delivery-meta.ts';
import { type AnyEventHandler, type EventHandler, EventHandlers } from './event-handlers.ts';
import { type NodeHandler, toNodeHandler } from './node-handler.ts';
import { type RawBody, readBody } from './read-body.ts';
import { errorResult, HANDLED, type ReceiveResult } from './receive-result.ts';
import {
  DedupeStoreError,
  DeliveryHeaderError,
  HandlerError,
  PayloadTooLargeError,
  type ReceiverError,
} from './receiver-errors.ts';
import { systemTimers, type Timers } from './timers.ts';
import { toWebHandler, type WebHandler } from './web-handler.ts';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface ReceiverOptions {
  /** The endpoint secret (`whsec_…`); several during a rotation. */
  secret: string | readonly string[];
  /** Accepted clock distance for `webhook-timestamp`, in seconds, both ways. Default 300. */
  tolerance?: number;
  /**
   * Skip deliveries whose `webhook-id` was already handled. Default: in memory, last 10,000
   * ids. Pass a store to share it between processes, or `false` to turn it off.
   */
  dedupe?: boolean | DedupeStore;
  /**
   * Hand each call's events to handlers in `callhook-seq` order, each after the one its
   * `callhook-previous-seq` names. Off by default.
   */
  ordered?: boolean | OrderedOptions;
  /** Bodies over this many bytes are answered 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Clock for the timestamp check (a `Date` or epoch ms). */
  now?: () => Date | number;
  /** Timers for ordered mode's gap timeout. */
  timers?: Timers;
}

export interface ReceiveInput {
  /** The body exactly as received (the signature covers these bytes), or a stream of it. */
  rawBody: RawBody;
  headers: HeadersInput;
}

export type ErrorHandler = (error: ReceiverError) => void | Promise<void>;

/**
 * Answers: 204 handled (or a duplicate), 400 not a call event (or a malformed `callhook-seq`
 * or `callhook-previous-seq`), 401 not authentic, 413 too large, 500 a handler failed (the
 * sender retries), 503 ordered mode is full (retry later).
 */
export interface Receiver {
  on<T extends CallEventType>(type: T | readonly T[], handler: EventHandler<T>): Receiver;
  onAny(handler: AnyEventHandler): Receiver;
  /** Told about every refused or failed delivery and ordering gap; for logs and metrics. */
  onError(handler: ErrorHandler): Receiver;
  receive(input: ReceiveInput): Promise<ReceiveResult>;
  /** `(req, res, next?)` for node:http and Express; see `toNodeHandler`. */
  readonly node: NodeHandler;
  /** `(request) => Promise<Response>` for fetch-style servers; see `toWebHandler`. */
  readonly web: WebHandler;
}

class CallhookReceiver implements Receiver {
  readonly node: NodeHandler;
  readonly web: WebHandler;
  readonly #webhook: Webhook;
  readonly #handlers = new EventHandlers();
  readonly #errorHandlers: ErrorHandler[] = [];
  readonly #maxBodyBytes: number;
  readonly #dedupe: DedupeStore | undefined;
  readonly #inFlight = new Map<string, Promise<ReceiveResult>>();
  readonly #sequencer: CallSequencer | undefined;

  constructor(options: ReceiverOptions) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError('createReceiver needs options with at least { secret }');
    }
    this.#webhook = new Webhook(options.secret, {
      ...(options.tolerance === undefined ? {} : { tolerance: options.tolerance }),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    this.#maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    if (!Number.isInteger(this.#maxBodyBytes) || this.#maxBodyBytes < 1) {
      throw new RangeError('maxBodyBytes must be a positive integer');
    }
    const dedupe = options.dedupe ?? true;
    this.#dedupe =
      dedupe === true ? new MemoryDedupeStore() : dedupe === false ? undefined : dedupe;
    const ordered = options.ordered ?? false;
    this.#sequencer =
      ordered === false
        ? undefined
        : new CallSequencer(
            (event, meta) => this.#run(event, meta),
            (error) => this.#report(error),
            options.timers ?? systemTimers,
            ordered === true ? {} : ordered,
          );
    this.node = toNodeHandler(this);
    this.web = toWebHandler(this);
  }

  on<T extends CallEventType>(type: T | readonly T[], handler: EventHandler<T>): Receiver {
    const types: readonly CallEventType[] = typeof type === 'string' ? [type] : type;
    this.#handlers.on(types, handler as unknown as AnyEventHandler);
    return this;
  }

  onAny(handler: AnyEventHandler): Receiver {
    this.#handlers.onAny(handler);
    return this;
  }

  onError(handler: ErrorHandler): Receiver {
    if (typeof handler !== 'function') throw new TypeError('handler must be a function');
    this.#errorHandlers.push(handler);
    return this;
  }

  async receive(input: ReceiveInput): Promise<ReceiveResult> {
    const read = await readBody(input.rawBody, input.headers, this.#maxBodyBytes);
    if (read.kind === 'too_large') {
      const error = new PayloadTooLargeError(this.#maxBodyBytes);
      this.#report(error);
      return errorResult(413, error.code, error.message);
    }
    if (read.kind === 'unreadable') {
      return errorResult(
        400,
        'body_unreadable',
        'the request body could not be read: the client went away, or something read the stream before the receiver (pass the untouched request, or the bytes as rawBody)',
      );
    }
    let event: CallEvent;
    let meta: DeliveryMeta;
    try {
      const delivery = this.#webhook.verifySignature(read.body, input.headers);
      event = parseVerifiedBody(read.body);
      meta = readDeliveryMeta(event, delivery, input.headers);
    } catch (error) {
      if (error instanceof DeliveryHeaderError) {
        this.#report(error);
        return errorResult(400, error.code, error.message);
      }
      if (!(error instanceof WebhookVerificationError)) throw error;
      this.#report(error);
      // A bad body with a good signature is the sender's bug: 400. Anything else: 401.
      return errorResult(error.code === 'invalid_body' ? 400 : 401, error.code, error.message);
    }
    return this.#dedupe === undefined ? this.#deliver(event, meta) : this.#deduped(event, meta);
  }

  // A second delivery of an id still being handled shares the first one's answer, so a
  // sender's timeout-and-retry never runs handlers twice at once.
  async #deduped(event: CallEvent, meta: DeliveryMeta): Promise<ReceiveResult> {
    const inFlight = this.#inFlight.get(meta.id);
    if (inFlight !== undefined) return inFlight;
    const result = this.#deliverOnce(event, meta, this.#dedupe!);
    this.#inFlight.set(meta.id, result);
    try {
      return await result;
    } finally {
      this.#inFlight.delete(meta.id);
    }
  }

  async #deliverOnce(event: CallEvent, meta: DeliveryMeta, store: DedupeStore) {
    try {
      if (await store.has(meta.id)) return HANDLED;
    } catch (error) {
      this.#report(new DedupeStoreError('has', error));
      return errorResult(500, 'dedupe_store_failed', 'could not check for a duplicate; retry');
    }
    const result = await this.#deliver(event, meta);
    // Recorded only once handled, so a retry after a 500 runs the handlers again.
    if (result.status >= 200 && result.status < 300) {
      try {
        await store.add(meta.id);
      } catch (error) {
        this.#report(new DedupeStoreError('add', error));
      }
    }
    return result;
  }

  #deliver(event: CallEvent, meta: DeliveryMeta): Promise<ReceiveResult> {
    return this.#sequencer === undefined
      ? this.#run(event, meta)
      : this.#sequencer.submit(event, meta);
  }

  // Never rejects: the sequencer relies on that to keep each call's queue moving.
  async #run(event: CallEvent, meta: DeliveryMeta): Promise<ReceiveResult> {
    try {
      await this.#handlers.dispatch(event, meta);
      return HANDLED;
    } catch (error) {
      const failure =
        error instanceof HandlerError ? error : new HandlerError(event, meta, [error]);
      this.#report(failure);
      return errorResult(500, failure.code, 'a handler failed; the delivery will be retried');
    }
  }

  // Error handlers are for logging: what they throw must not change the answer.
  #report(error: ReceiverError): void {
    for (const handler of this.#errorHandlers) {
      try {
        const outcome = handler(error);
        if (outcome instanceof Promise) outcome.catch(() => {});
      } catch {}
    }
  }
}

/** A receiver for callhook deliveries: verifies, dedupes, optionally orders, dispatches. */
export function createReceiver(options: ReceiverOptions): Receiver {
  return new CallhookReceiver(options);
}
