// The dispatcher's settings, their defaults (docs/contract.md §4), and the checks made once here.
import type { Clock } from '../clock.ts';
import type { ChangeFeed } from '../store/change-feed.ts';
import type { DeliveryStore } from '../store/delivery-port.ts';
import { DEFAULT_DISABLE_AFTER_MS } from './attempt-decision.ts';
import { type DeliveryObserver, NO_OBSERVER } from './delivery-observer.ts';
import { DEFAULT_RETRY_SCHEDULE_MS } from './retry-schedule.ts';
import { DEFAULT_ATTEMPT_TIMEOUT_MS, type WebhookSender } from './webhook-sender.ts';

export interface DispatcherOptions {
  store: DeliveryStore;
  /**
   * This node's name on its leases (required): stable across its restarts, so that `start()`
   * frees the leases of its previous life at once, and unique between nodes sharing a store,
   * so that it never frees a live node's. The server reads it from `<dataDir>/node-id`.
   */
  owner: string;
  sender: Pick<WebhookSender, 'send'>;
  clock: Clock;
  /** The store's change feed: commits (events, endpoint changes, retries) wake the dispatcher at once instead of at its next timer. */
  changes?: ChangeFeed;
  schedule?: readonly number[];
  /** Uniform in [0, 1), for retry jitter; tests pass a constant. */
  random?: () => number;
  /**
   * The most deliveries one turn claims, over all endpoints (default 256): it bounds the
   * memory and the transaction of a turn, not the attempts in flight. Those are bounded per
   * endpoint only (`maxPerEndpoint`), so in all by enabled endpoints × `maxPerEndpoint`: any
   * global bound on them is one that enough hanging endpoints fill, and then every other
   * endpoint waits (docs/contract.md §4: endpoints never wait on each other). A claim holds no
   * more of one endpoint than its free slots, so what is claimed is sent at once.
   */
  claimLimit?: number;
  /**
   * Attempts in flight at once to one endpoint (default 16): all that a slow, hanging or
   * failing endpoint can cost, with `attemptTimeoutMs`. Give the sender as many connections.
   */
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
  /**
   * How long, in real ms, a change another node made waits before it wakes this dispatcher
   * (default 0: at once), once for all such changes meanwhile. When every node claimed every
   * endpoint, waking at once mostly raced the writing node for rows it had already taken, and
   * this was 25. Now each endpoint has one owner (store/postgres/pg-endpoint-owners.ts): the
   * owner must wake at once for the deliveries another node's commands wrote (at 25, p99 at
   * 1,000 events/s over three nodes was 320-350 ms, at 0 200-280 ms, for no more CPU), and a
   * node that owns nothing answers its wake from memory. A scheduling pause like
   * `minTurnIntervalMs`.
   */
  remoteWakeDelayMs?: number;
  /** Store failures; the loop tries again after `retryAfterErrorMs` (default 1 s). */
  onError?: (error: unknown) => void;
  retryAfterErrorMs?: number;
  /** Told of every attempt and expired lease (logs, metrics); default: nobody. */
  observer?: DeliveryObserver;
}

export type DispatcherConfig = Required<Omit<DispatcherOptions, 'store' | 'clock' | 'changes'>> &
  Pick<DispatcherOptions, 'changes'>;

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
  if (typeof options.owner !== 'string' || options.owner === '') {
    throw new RangeError(`owner must be a non-empty string (the node id), got ${options.owner}`);
  }
  return {
    owner: options.owner,
    sender: options.sender,
    changes: options.changes,
    schedule: options.schedule ?? DEFAULT_RETRY_SCHEDULE_MS,
    random: options.random ?? Math.random,
    claimLimit: positive(options.claimLimit ?? 256, 'claimLimit'),
    maxPerEndpoint: positive(options.maxPerEndpoint ?? 16, 'maxPerEndpoint'),
    attemptTimeoutMs,
    leaseMs,
    disableAfterMs: positive(options.disableAfterMs ?? DEFAULT_DISABLE_AFTER_MS, 'disableAfterMs'),
    stopTimeoutMs: nonNegative(options.stopTimeoutMs ?? attemptTimeoutMs + 1_000, 'stopTimeoutMs'),
    minTurnIntervalMs: nonNegative(options.minTurnIntervalMs ?? 2, 'minTurnIntervalMs'),
    remoteWakeDelayMs: nonNegative(options.remoteWakeDelayMs ?? 0, 'remoteWakeDelayMs'),
    onError: options.onError ?? (() => {}),
    retryAfterErrorMs: positive(options.retryAfterErrorMs ?? 1_000, 'retryAfterErrorMs'),
    observer: options.observer ?? NO_OBSERVER,
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
