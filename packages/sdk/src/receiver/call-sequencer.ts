import type { CallEvent } from '../events/schemas.ts';
import type { DeliveryMeta } from './delivery-meta.ts';
import { LruSet } from './lru-set.ts';
import { errorResult, type ReceiveResult } from './receive-result.ts';
import { OrderingBufferFullError, OrderingGapError } from './receiver-errors.ts';
import type { Timers } from './timers.ts';

export interface OrderedOptions {
  /** Early events held at once, over all calls; one more is answered 503. Default 1000. */
  maxBuffered?: number;
  /** How long a call waits for a missing seq before going on without it. Default 10 s. */
  gapTimeoutMs?: number;
}

export const DEFAULT_MAX_BUFFERED = 1000;
export const DEFAULT_GAP_TIMEOUT_MS = 10_000;
// Ended calls remembered so their late events are handed over at once, not held for a gap.
const ENDED_CALLS_REMEMBERED = 10_000;

type Run = (event: CallEvent, meta: DeliveryMeta) => Promise<ReceiveResult>;

interface Held {
  event: CallEvent;
  meta: DeliveryMeta;
  result: Promise<ReceiveResult>;
  settle: (result: ReceiveResult) => void;
}

interface CallState {
  callId: string;
  /** The seq handlers are waiting for. */
  next: number;
  held: Map<number, Held>;
  running: { seq: number; result: Promise<ReceiveResult> } | undefined;
  gapTimer: unknown;
}

function succeeded(result: ReceiveResult): boolean {
  return result.status >= 200 && result.status < 300;
}

/**
 * Hands each call's events to `run` in `seq` order. An early event's request is held until
 * its turn and then answered with its handlers' outcome. A seq that fails stays expected (the
 * sender retries it); one that never comes is given up after the gap timeout.
 */
export class CallSequencer {
  readonly #run: Run;
  readonly #report: (error: OrderingGapError | OrderingBufferFullError) => void;
  readonly #timers: Timers;
  readonly #maxBuffered: number;
  readonly #gapTimeoutMs: number;
  readonly #calls = new Map<string, CallState>();
  readonly #ended = new LruSet(ENDED_CALLS_REMEMBERED);
  #buffered = 0;

  constructor(
    run: Run,
    report: (error: OrderingGapError | OrderingBufferFullError) => void,
    timers: Timers,
    options: OrderedOptions = {},
  ) {
    this.#run = run;
    this.#report = report;
    this.#timers = timers;
    this.#maxBuffered = options.maxBuffered ?? DEFAULT_MAX_BUFFERED;
    this.#gapTimeoutMs = options.gapTimeoutMs ?? DEFAULT_GAP_TIMEOUT_MS;
    if (!Number.isInteger(this.#maxBuffered) || this.#maxBuffered < 0) {
      throw new RangeError('ordered.maxBuffered must be a non-negative integer');
    }
    if (!Number.isFinite(this.#gapTimeoutMs) || this.#gapTimeoutMs < 0) {
      throw new RangeError('ordered.gapTimeoutMs must be a non-negative number');
    }
  }

  /** Events held now, waiting for an earlier seq of their call. */
  get buffered(): number {
    return this.#buffered;
  }

  submit(event: CallEvent, meta: DeliveryMeta): Promise<ReceiveResult> {
    const seq = meta.seq;
    // Without a seq there is nothing to order by; an ended call's stragglers are late already.
    if (seq === undefined || this.#ended.has(event.callId)) return this.#run(event, meta);

    let state = this.#calls.get(event.callId);
    if (state === undefined) {
      // Every call starts at 1: one first seen at seq 5 waits for 1–4 like any other gap.
      state = {
        callId: event.callId,
        next: 1,
        held: new Map(),
        running: undefined,
        gapTimer: undefined,
      };
      this.#calls.set(event.callId, state);
    }
    // Behind the cursor: given up by a gap timeout, or a replay. Hand it over now, late.
    if (seq < state.next) return this.#run(event, meta);
    // The same seq again (a retry while the first is still held or running): share its answer.
    if (state.running?.seq === seq) return state.running.result;
    const already = state.held.get(seq);
    if (already) return already.result;

    const canRunNow = seq === state.next && state.running === undefined;
    if (!canRunNow && this.#buffered >= this.#maxBuffered) {
      this.#report(new OrderingBufferFullError(event.callId, seq, this.#maxBuffered));
      if (state.held.size === 0 && state.running === undefined) this.#calls.delete(event.callId);
      return Promise.resolve(
        errorResult(503, 'ordering_buffer_full', 'too many early events held; retry later', {
          'retry-after': String(Math.max(1, Math.ceil(this.#gapTimeoutMs / 1000))),
        }),
      );
    }

    let settle!: (result: ReceiveResult) => void;
    const result = new Promise<ReceiveResult>((resolve) => {
      settle = resolve;
    });
    state.held.set(seq, { event, meta, result, settle });
    this.#buffered += 1;
    void this.#pump(state);
    return result;
  }

  async #pump(state: CallState): Promise<void> {
    if (state.running !== undefined) return;
    for (;;) {
      const seq = state.next;
      const held = state.held.get(seq);
      if (held === undefined) break;
      state.held.delete(seq);
      this.#buffered -= 1;
      this.#clearGapTimer(state);
      state.running = { seq, result: held.result };
      const result = await this.#run(held.event, held.meta);
      state.running = undefined;
      held.settle(result);
      // Not handled: keep expecting this seq, the sender's retry will bring it again.
      if (!succeeded(result)) break;
      state.next = seq + 1;
      if (held.event.eventType === 'call.ended') return this.#forget(state);
    }
    if (state.held.size > 0 && state.gapTimer === undefined) {
      state.gapTimer = this.#timers.setTimeout(() => this.#giveUpGap(state), this.#gapTimeoutMs);
    }
  }

  #giveUpGap(state: CallState): void {
    state.gapTimer = undefined;
    if (state.running !== undefined || state.held.size === 0) return;
    const lowest = Math.min(...state.held.keys());
    const missing: number[] = [];
    for (let seq = state.next; seq < lowest; seq += 1) missing.push(seq);
    if (missing.length > 0) this.#report(new OrderingGapError(state.callId, missing));
    state.next = lowest;
    void this.#pump(state);
  }

  #clearGapTimer(state: CallState): void {
    if (state.gapTimer === undefined) return;
    this.#timers.clearTimeout(state.gapTimer);
    state.gapTimer = undefined;
  }

  // `call.ended` is last: drop the call's state to keep memory bounded. Anything still held
  // came after it (it should not exist) and is handed over as late.
  #forget(state: CallState): void {
    this.#clearGapTimer(state);
    this.#calls.delete(state.callId);
    this.#ended.add(state.callId);
    for (const [seq, held] of [...state.held].sort(([a], [b]) => a - b)) {
      state.held.delete(seq);
      this.#buffered -= 1;
      void this.#run(held.event, held.meta).then(held.settle);
    }
  }
}
