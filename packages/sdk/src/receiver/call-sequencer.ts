import type { CallEvent } from '../events/schemas.ts';
import type { DeliveryMeta } from './delivery-meta.ts';
import { LruSet } from './lru-set.ts';
import { errorResult, type ReceiveResult } from './receive-result.ts';
import { OrderingBufferFullError, OrderingGapError } from './receiver-errors.ts';
import type { Timers } from './timers.ts';

export interface OrderedOptions {
  /** Early events held at once, over all calls; one more is answered 503. Default 1000. */
  maxBuffered?: number;
  /** How long a call waits for a missing event before going on without it. Default 10 s. */
  gapTimeoutMs?: number;
}

export const DEFAULT_MAX_BUFFERED = 1000;
export const DEFAULT_GAP_TIMEOUT_MS = 10_000;
// Ended calls remembered so their late events are handed over at once, not held for a gap.
const ENDED_CALLS_REMEMBERED = 10_000;
// Idle calls remembered (an endpoint filtered without call.ended never sees its calls end).
// A call forgotten here starts again at its next arrival, as for a receiver started mid-call.
const IDLE_CALLS_REMEMBERED = 10_000;

type Run = (event: CallEvent, meta: DeliveryMeta) => Promise<ReceiveResult>;

interface Held {
  seq: number;
  /** The seq it waits for. */
  previous: number;
  event: CallEvent;
  meta: DeliveryMeta;
  result: Promise<ReceiveResult>;
  settle: (result: ReceiveResult) => void;
}

interface CallState {
  callId: string;
  /** The highest seq handled in order: an event whose previous seq is at or below it may run. */
  handled: number;
  held: Map<number, Held>;
  running: { seq: number; result: Promise<ReceiveResult> } | undefined;
  gapTimer: unknown;
}

function succeeded(result: ReceiveResult): boolean {
  return result.status >= 200 && result.status < 300;
}

/**
 * Hands each call's events to `run` in `seq` order: an event runs once the one its previous
 * seq names has been handled. An early event's request is held until its turn and then
 * answered with its handlers' outcome. An event that fails stays expected (the sender
 * retries it); one that never comes is given up after the gap timeout.
 */
export class CallSequencer {
  readonly #run: Run;
  readonly #report: (error: OrderingGapError | OrderingBufferFullError) => void;
  readonly #timers: Timers;
  readonly #maxBuffered: number;
  readonly #gapTimeoutMs: number;
  /** By call id, least recently active first. */
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

  /** Events held now, waiting for an earlier event of their call. */
  get buffered(): number {
    return this.#buffered;
  }

  submit(event: CallEvent, meta: DeliveryMeta): Promise<ReceiveResult> {
    const seq = meta.seq;
    // Without a seq there is nothing to order by; an ended call's stragglers are late already.
    if (seq === undefined || this.#ended.has(event.callId)) return this.#run(event, meta);

    const known = this.#calls.get(event.callId);
    // No memory of the call (a receiver started mid-call, a replay): its first arrival is the
    // start, it waits for nothing below it. Without the header a call starts at seq 1.
    const state: CallState = known ?? {
      callId: event.callId,
      handled: meta.previousSeq ?? 0,
      held: new Map(),
      running: undefined,
      gapTimer: undefined,
    };
    this.#touch(state);
    // At or behind the cursor: given up by a gap timeout, or a replay. Hand it over now, late.
    if (seq <= state.handled) return this.#run(event, meta);
    // The same seq again (a retry while the first is still held or running): share its answer.
    if (state.running?.seq === seq) return state.running.result;
    const already = state.held.get(seq);
    if (already) return already.result;

    // Without `callhook-previous-seq` (an older server) seqs are taken as contiguous.
    const previous = meta.previousSeq ?? seq - 1;
    const canRunNow = previous <= state.handled && state.running === undefined;
    if (!canRunNow && this.#buffered >= this.#maxBuffered) {
      this.#report(new OrderingBufferFullError(event.callId, seq, this.#maxBuffered));
      if (known === undefined) this.#calls.delete(event.callId);
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
    state.held.set(seq, { seq, previous, event, meta, result, settle });
    this.#buffered += 1;
    void this.#pump(state);
    return result;
  }

  async #pump(state: CallState): Promise<void> {
    if (state.running !== undefined) return;
    for (;;) {
      const held = lowestHeld(state);
      if (held === undefined || held.previous > state.handled) break;
      const seq = held.seq;
      state.held.delete(seq);
      this.#buffered -= 1;
      this.#clearGapTimer(state);
      state.running = { seq, result: held.result };
      const result = await this.#run(held.event, held.meta);
      state.running = undefined;
      held.settle(result);
      // Not handled: keep expecting this seq, the sender's retry will bring it again.
      if (!succeeded(result)) break;
      state.handled = Math.max(state.handled, seq);
      if (held.event.eventType === 'call.ended') return this.#forget(state);
    }
    if (state.held.size > 0 && state.gapTimer === undefined) {
      state.gapTimer = this.#timers.setTimeout(() => this.#giveUpGap(state), this.#gapTimeoutMs);
    }
  }

  // The lowest held event waits for an event that has not come: go on as if it had.
  #giveUpGap(state: CallState): void {
    state.gapTimer = undefined;
    const lowest = lowestHeld(state);
    if (state.running !== undefined || lowest === undefined) return;
    const { previous } = lowest;
    const missing: number[] = [];
    if (lowest.meta.previousSeq === undefined) {
      for (let seq = state.handled + 1; seq <= previous; seq += 1) missing.push(seq);
    } else if (previous > state.handled) {
      // Only the one it names is known to be missing: the seqs between may be filtered out.
      missing.push(previous);
    }
    if (missing.length > 0) this.#report(new OrderingGapError(state.callId, missing));
    state.handled = Math.max(state.handled, previous);
    void this.#pump(state);
  }

  #clearGapTimer(state: CallState): void {
    if (state.gapTimer === undefined) return;
    this.#timers.clearTimeout(state.gapTimer);
    state.gapTimer = undefined;
  }

  // Marks the call as the most recently active one, and forgets the least recently active
  // idle call beyond the bound (a call with events held or running is never forgotten).
  #touch(state: CallState): void {
    this.#calls.delete(state.callId);
    this.#calls.set(state.callId, state);
    if (this.#calls.size <= IDLE_CALLS_REMEMBERED) return;
    for (const [callId, other] of this.#calls) {
      if (other.held.size === 0 && other.running === undefined && other !== state) {
        this.#calls.delete(callId);
        return;
      }
    }
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

function lowestHeld(state: CallState): Held | undefined {
  let lowest: Held | undefined;
  for (const held of state.held.values()) {
    if (lowest === undefined || held.seq < lowest.seq) lowest = held;
  }
  return lowest;
}
