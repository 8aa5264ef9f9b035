// The dispatcher's settings, their defaults (CONTRACT.md §4), and the checks made once here.
import type { Clock } from '../clock.ts';
import type { EventBus } from '../service/event-bus.ts';
import type { DeliveryStore } from '../store/delivery-port.ts';
import { DEFAULT_DISABLE_AFTER_MS } from './attempt-decision.ts';
import { DEFAULT_RETRY_SCHEDULE_MS } from './retry-schedule.ts';
import { DEFAULT_ATTEMPT_TIMEOUT_MS, type WebhookSender } from './webhook-sender.ts';

export interface DispatcherOptions {
  store: DeliveryStore;
  sender: Pick<WebhookSender, 'send'>;
  clock: Clock;
  /** Commits wake the dispatcher at once instead of at its next timer. */
  bus?: EventBus;
  schedule?: readonly number[];
  /** Uniform in [0, 1), for retry jitter; tests pass a constant. */
  random?: () => number;
  /** Attempts in flight at once, over all endpoints. Default 256. */
  maxInFlight?: number;
  /** Attempts in flight at once to one endpoint. Default 16; give the sender as many connections. */
  maxPerEndpoint?: number;
  /** Default 15 s. */
  attemptTimeoutMs?: number;
  /** How long a claim holds a delivery; must outlast an attempt. Default: attempt timeout + 30 s. */
  leaseMs?: number;
  /** An endpoint failing every attempt this long is disabled. Default 5 days. */
  disableAfterMs?: number;
  /** How long `stop()` waits for attempts in flight. Default: attempt timeout + 1 s. */
  stopTimeoutMs?: number;
  /**
   * The least time between two runs of the loop, in real ms (default 2): under moderate load
   * every commit and every finished attempt wakes it, and without a pause each would pay a
   * transaction of its own for one delivery. A scheduling pause, like setImmediate, not business
   * time, so it is not read from `clock`. 0 turns it off.
   */
  minTurnIntervalMs?: number;
  /** Store failures; the loop tries again after `retryAfterErrorMs` (default 1 s). */
  onError?: (error: unknown) => void;
  retryAfterErrorMs?: number;
}

export type DispatcherConfig = Required<Omit<DispatcherOptions, 'store' | 'clock' | 'bus'>> &
  Pick<DispatcherOptions, 'bus'>;

/** Slack between an attempt's deadline and its lease's end. */
const LEASE_MARGIN_MS = 30_000;

export function dispatcherConfig(options: DispatcherOptions): DispatcherConfig {
  const attemptTimeoutMs = positive(
    options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS,
    'attemptTimeoutMs',
  );
  const leaseMs = positive(options.leaseMs ?? attemptTimeoutMs + LEASE_MARGIN_MS, 'leaseMs');
  if (leaseMs <= attemptTimeoutMs) {
    throw new RangeError(
      `leaseMs (${leaseMs}) must be longer than attemptTimeoutMs (${attemptTimeoutMs}), or an attempt still in flight could be claimed again`,
    );
  }
  return {
    sender: options.sender,
    bus: options.bus,
    schedule: options.schedule ?? DEFAULT_RETRY_SCHEDULE_MS,
    random: options.random ?? Math.random,
    maxInFlight: positive(options.maxInFlight ?? 256, 'maxInFlight'),
    maxPerEndpoint: positive(options.maxPerEndpoint ?? 16, 'maxPerEndpoint'),
    attemptTimeoutMs,
    leaseMs,
    disableAfterMs: positive(options.disableAfterMs ?? DEFAULT_DISABLE_AFTER_MS, 'disableAfterMs'),
    stopTimeoutMs: nonNegative(options.stopTimeoutMs ?? attemptTimeoutMs + 1_000, 'stopTimeoutMs'),
    minTurnIntervalMs: nonNegative(options.minTurnIntervalMs ?? 2, 'minTurnIntervalMs'),
    onError: options.onError ?? (() => {}),
    retryAfterErrorMs: positive(options.retryAfterErrorMs ?? 1_000, 'retryAfterErrorMs'),
  };
}

function positive(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}

function nonNegative(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  return value;
}
