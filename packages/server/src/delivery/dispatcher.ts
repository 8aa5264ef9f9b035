// Sends due deliveries and records what came of them (docs/contract.md §4). One pump loop claims
// due lane heads, sends each concurrently and writes outcomes in batches; the store's lanes
// keep seq order per (endpoint, call), because a lane's next delivery is not due before the
// outcome of the previous one is written. Endpoints never wait on each other: an endpoint's
// cost is its own `maxPerEndpoint` slots, each attempt bounded by `attemptTimeoutMs`; there is
// no global in-flight budget for hanging endpoints to fill, and a claim takes no more of one
// endpoint than its free slots, so one backlog never fills a turn ahead of other endpoints.
// Leases name this node (`owner`): a restart frees its own at once, never another node's.
import { performance } from 'node:perf_hooks';
import { setImmediate, setTimeout } from 'node:timers';
import type { Clock, TimerHandle } from '../clock.ts';
import type { AttemptOutcome, DeliveryStore, DueDelivery } from '../store/delivery-port.ts';
import { decideAfterAttempt } from './attempt-decision.ts';
import { buildDeliveryHeaders } from './delivery-headers.ts';
import {
  type DispatcherConfig,
  type DispatcherOptions,
  dispatcherConfig,
} from './dispatcher-options.ts';
import { EndpointHealth } from './endpoint-health.ts';
import { EndpointSlots } from './endpoint-slots.ts';
import type { AttemptResult } from './webhook-sender.ts';

/** A delivery due but not claimable (in flight here, or its endpoint busy) is looked at again after this. */
const RECHECK_MS = 1_000;
/** Event-loop turns the loop may wait for more attempts to finish before writing outcomes. */
const GATHER_TURNS = 4;

interface Finished {
  deliveryId: string;
  endpointId: string;
  outcome: AttemptOutcome;
}

export type { DispatcherOptions } from './dispatcher-options.ts';

export class Dispatcher {
  private readonly store: DeliveryStore;
  private readonly clock: Clock;
  private readonly config: DispatcherConfig;
  private readonly health = new EndpointHealth();
  /** Claimed and not yet written back: in flight, waiting for an endpoint slot, or finished. */
  private readonly held = new Set<string>();
  private readonly slots: EndpointSlots;
  private inFlight = 0;
  private finished: Finished[] = [];

  private running = false;
  private stopping = false;
  /** The running pump loop, if any. */
  private looping: Promise<void> | null = null;
  private pumpWanted = false;
  private immediateQueued = false;
  /** performance.now() when the loop last started (minTurnIntervalMs). */
  private lastRunAt = Number.NEGATIVE_INFINITY;
  private timer: { at: number; handle: TimerHandle } | null = null;
  private unsubscribe: (() => void) | null = null;
  private remoteWake: NodeJS.Timeout | null = null;
  private idleWaiters: (() => void)[] = [];
  private drainWaiters: (() => void)[] = [];

  constructor(options: DispatcherOptions) {
    this.config = dispatcherConfig(options);
    this.store = options.store;
    this.clock = options.clock;
    this.slots = new EndpointSlots(this.config.maxPerEndpoint);
  }

  /** Makes deliveries this node leased in its previous life due again, then starts sending. */
  async start(): Promise<void> {
    if (this.running) return;
    await this.store.releaseLeases(this.config.owner, this.clock.now());
    this.running = true;
    this.stopping = false;
    this.unsubscribe =
      this.config.changes?.subscribe((notice) =>
        notice.fromAnotherNode ? this.wakeSoon() : this.wake(),
      ) ?? null;
    this.wake();
  }

  /** Stops claiming, waits (up to `stopTimeoutMs`) for attempts in flight, writes their outcomes. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.remoteWake !== null) clearTimeout(this.remoteWake);
    this.remoteWake = null;
    this.cancelTimer();
    // Waiting deliveries were never sent; their leases (this node's) end at its next start.
    for (const d of this.slots.dropWaiting()) this.held.delete(d.id);
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const bound = this.clock.setTimer(this.clock.now() + this.config.stopTimeoutMs, resolve);
        this.drainWaiters.push(() => {
          bound.cancel();
          resolve();
        });
      });
    }
    await this.looping;
    try {
      await this.flush();
    } catch (error) {
      this.config.onError(error); // unwritten outcomes are retried from their leases after a restart
    }
    this.running = false;
    this.settleIdle();
  }

  /** Something may be due: new events were committed, or a test moved the clock. */
  wake(): void {
    if (!this.running || this.stopping) return;
    this.pumpWanted = true;
    if (this.looping || this.immediateQueued) return;
    // Deferring to the next turn gathers every attempt that finished in this one into one batch;
    // a run soon after the last one waits out minTurnIntervalMs to gather more.
    this.immediateQueued = true;
    const wait = this.lastRunAt + this.config.minTurnIntervalMs - performance.now();
    if (wait > 0) setTimeout(() => this.startLoop(0), wait);
    else setImmediate(() => this.startLoop(0));
  }

  /** Another node's change: wake once, `remoteWakeDelayMs` from the first such notice. */
  private wakeSoon(): void {
    const delay = this.config.remoteWakeDelayMs;
    if (delay === 0) {
      this.wake();
      return;
    }
    if (this.remoteWake !== null) return;
    this.remoteWake = setTimeout(() => {
      this.remoteWake = null;
      this.wake();
    }, delay);
  }

  private startLoop(turns: number): void {
    // While most attempts are still out, a few more turns gather more outcomes per write.
    if (turns < GATHER_TURNS && !this.stopping && this.finished.length * 2 < this.inFlight) {
      setImmediate(() => this.startLoop(turns + 1));
      return;
    }
    this.immediateQueued = false;
    this.lastRunAt = performance.now();
    const run = this.loop().finally(() => {
      this.looping = null;
      if (this.pumpWanted) this.wake();
    });
    this.looping = run;
  }

  /** For tests: resolves once nothing is in flight, nothing is unwritten and nothing is due now. */
  idle(): Promise<void> {
    if (!this.running || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.wake();
    });
  }

  /** Counters for metrics. */
  stats(): { inFlight: number; waiting: number; unwritten: number } {
    return {
      inFlight: this.inFlight,
      waiting: this.slots.waitingCount,
      unwritten: this.finished.length,
    };
  }

  private async loop(): Promise<void> {
    try {
      while (this.pumpWanted && !this.stopping) {
        this.pumpWanted = false;
        const claimedAt = this.clock.now();
        await this.writeAndClaim(claimedAt);
        if (this.pumpWanted || this.stopping) continue;
        await this.armTimer(claimedAt);
      }
    } catch (error) {
      this.config.onError(error);
      if (!this.stopping) this.setTimer(this.clock.now() + this.config.retryAfterErrorMs);
    }
  }

  /** Writes every finished attempt's outcome in one call; lanes whose head finished move on. */
  private async flush(): Promise<void> {
    await this.writeAndClaim(this.clock.now(), false);
  }

  /**
   * One transaction per turn: the outcomes of every finished attempt (their lanes move on),
   * then a claim of what the endpoints' free slots take, whose deliveries start at once.
   */
  private async writeAndClaim(now: number, wanted = true): Promise<void> {
    const batch = this.finished;
    this.finished = [];
    if (batch.length === 0 && !wanted) return;
    const { owner, claimLimit: limit, leaseMs, maxPerEndpoint } = this.config;
    let claimed: DueDelivery[];
    try {
      claimed = await this.store.recordAndClaim(
        batch.map((f) => f.outcome),
        now,
        wanted
          ? {
              owner,
              limit,
              leaseUntil: now + leaseMs,
              // Each endpoint's share: its slots, and as many again to start the moment one
              // frees (waiting here, behind its own endpoint only).
              perEndpoint: { limit: 2 * maxPerEndpoint, inFlight: this.slots.held() },
            }
          : null,
      );
    } catch (error) {
      this.finished = batch.concat(this.finished);
      throw error;
    }
    for (const f of batch) {
      this.held.delete(f.deliveryId);
      this.health.written(f.endpointId);
    }
    if (wanted) await this.send(claimed, limit);
  }

  /** Starts what was claimed, each under its endpoint's limit. */
  private async send(claimed: DueDelivery[], limit: number): Promise<void> {
    const fresh = claimed.filter((d) => !this.held.has(d.id));
    await this.health.refresh(
      fresh.map((d) => d.endpointId),
      (id) => this.store.getEndpoint(id),
    );
    if (this.stopping) return; // leases lapse; sent after a restart
    for (const d of fresh) {
      if (!this.health.isEnabled(d.endpointId)) continue;
      this.held.add(d.id);
      if (this.slots.admit(d)) void this.attempt(d);
    }
    // A full claim suggests more is due; a short one took everything claimable.
    if (claimed.length >= limit) this.pumpWanted = true;
  }

  /** One attempt of a delivery that holds a slot of its endpoint. */
  private async attempt(d: DueDelivery): Promise<void> {
    this.inFlight += 1;
    try {
      const startedAt = this.clock.now();
      const result = await this.sendOne(d, startedAt);
      const decision = decideAfterAttempt({
        delivery: d,
        endpoint: { failingSince: this.health.failingSince(d.endpointId) },
        result,
        startedAt,
        now: this.clock.now(),
        schedule: this.config.schedule,
        random: this.config.random,
        disableAfterMs: this.config.disableAfterMs,
      });
      this.health.decided(d.endpointId, decision.endpoint);
      this.config.observer.attempted({ delivery: d, result, decision, startedAt });
      const attemptMs = this.clock.now() - startedAt;
      if (attemptMs >= this.config.leaseMs) this.config.observer.leaseExpired(d, attemptMs);
      // Named with this node: a late outcome (the lease lapsed meanwhile) decides nothing.
      const outcome = { owner: this.config.owner, ...decision };
      this.finished.push({ deliveryId: d.id, endpointId: d.endpointId, outcome });
    } catch (error) {
      // A bug: no outcome is written. Let go of it here too, so that once its lease lapses
      // this node (or another) claims and sends it again instead of skipping it as held.
      this.held.delete(d.id);
      this.config.onError(error);
    } finally {
      this.inFlight -= 1;
      // A just-disabled endpoint gets nothing more; its waiting deliveries keep their leases.
      if (this.stopping || !this.health.isEnabled(d.endpointId)) {
        for (const dropped of this.slots.dropWaiting(d.endpointId)) this.held.delete(dropped.id);
      }
      const next = this.slots.release(d.endpointId);
      if (next) void this.attempt(next);
      if (this.inFlight === 0) for (const resolve of this.drainWaiters.splice(0)) resolve();
      this.wake();
    }
  }

  private async sendOne(d: DueDelivery, now: number): Promise<AttemptResult> {
    try {
      const headers = buildDeliveryHeaders({
        delivery: d,
        attempt: d.attemptCount + 1,
        body: d.body,
        secrets: d.secrets,
        now,
      });
      return await this.config.sender.send({
        url: d.url,
        headers,
        body: d.body,
        timeoutMs: this.config.attemptTimeoutMs,
      });
    } catch (error) {
      // The sender never throws; this is signing (no live secret) or a bug, kept in the log.
      const message = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        statusCode: null,
        latencyMs: 0,
        responseBody: '',
        error: { code: 'other', message },
      };
    }
  }

  /** Sets the one timer for the next due time, and tells idle() waiters when all is quiet. */
  private async armTimer(claimedAt: number): Promise<void> {
    const due = await this.store.nextDueAt();
    const now = this.clock.now();
    if (due === null) {
      this.cancelTimer();
    } else if (due > now) {
      this.setTimer(due);
    } else if (due > claimedAt) {
      this.pumpWanted = true; // became due since the claim
    } else {
      // Due before a claim that did not take it: it is in flight (leased), or its endpoint is
      // full. Finishing attempts wake the loop; the timer is a backstop for a lease left over.
      this.setTimer(now + RECHECK_MS);
    }
    const quiet =
      this.inFlight === 0 && this.slots.waitingCount === 0 && this.finished.length === 0;
    if (quiet && !this.pumpWanted && (due === null || due > now)) this.settleIdle();
  }

  /** Moves the one timer to `at`. */
  private setTimer(at: number): void {
    if (this.timer?.at === at) return;
    this.cancelTimer();
    const handle = this.clock.setTimer(at, () => {
      this.timer = null;
      this.wake();
    });
    this.timer = { at, handle };
  }

  private cancelTimer(): void {
    this.timer?.handle.cancel();
    this.timer = null;
  }

  private settleIdle(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
