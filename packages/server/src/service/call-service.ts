import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { expireCall, nextDeadline } from '../engine/auto-end.ts';
import { applyCommand, createCall } from '../engine/call-engine.ts';
import type { CallState, EngineConfig, EngineEvent } from '../engine/call-state.ts';
import { type CallView, callView } from '../engine/call-view.ts';
import type { CallCommand, Decision, EngineContext } from '../engine/commands.ts';
import { CallhookError } from '../errors.ts';
import type { CallListQuery, CallStore, CommandOutcome, IdempotencyRecord } from '../store/port.ts';
import { uuidV7Generator } from '../uuid-v7.ts';
import { DeadlineTimer } from './deadline-timer.ts';
import { EventBus } from './event-bus.ts';

/** How a request names its idempotency: the key, what it is scoped to, and a hash of the request. */
export interface IdempotencyInput {
  scope: string;
  key: string;
  requestHash: string;
}

/** What a command returns: whether it created the call, and the call's new state. */
export interface CommandResult {
  /** True when this command created the call (an idempotent replay says what the first did). */
  created: boolean;
  call: CallView;
  /** Events this command emitted (empty when it was an idempotent replay). */
  events: readonly EngineEvent[];
  replayed: boolean;
}

export interface CallServiceOptions {
  store: CallStore;
  clock: Clock;
  config: EngineConfig;
  newId?: () => string;
  bus?: EventBus;
  /**
   * This node's name in the store's deadline leases, stable across its restarts so that it
   * takes back its own claims at once. Default: a random id (a restart then waits out its
   * old leases, as another node would).
   */
  owner?: string;
  /** The longest wait between two reads of the store's next deadline (default 5 s). */
  deadlinePollMs?: number;
  /** How long a claimed deadline is this node's before another may end the call (default 30 s). */
  deadlineLeaseMs?: number;
  /** A store failure while ending calls at their deadlines (retried at the next poll). */
  onDeadlineError?: (error: unknown) => void;
}

const DEFAULT_DEADLINE_POLL_MS = 5_000;
const DEFAULT_DEADLINE_LEASE_MS = 30_000;
/** Deadlines claimed at once, and calls given a deadline at once at start. */
const DEADLINE_BATCH = 256;

type Internal =
  | { kind: 'done'; result: CommandResult }
  | { kind: 'rejected'; error: CallhookError };

/**
 * The call service: runs engine decisions inside store transactions, publishes what
 * committed, and ends calls at their deadlines. Each write stores the call's next deadline
 * with its state, so the deadlines survive a restart and any node sharing the store can end
 * a call whose node died (deadline-timer.ts).
 */
export class CallService {
  readonly bus: EventBus;
  readonly owner: string;
  private readonly store: CallStore;
  private readonly clock: Clock;
  private readonly config: EngineConfig;
  private readonly newId: () => string;
  private readonly deadlines: DeadlineTimer;

  constructor(options: CallServiceOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.config = options.config;
    // Time-ordered ids keep the store's per-call indexes append-mostly (uuid-v7.ts).
    this.newId = options.newId ?? uuidV7Generator(() => this.clock.now());
    this.bus = options.bus ?? new EventBus();
    this.owner = options.owner ?? `node-${randomUUID()}`;
    this.deadlines = new DeadlineTimer({
      store: this.store,
      clock: this.clock,
      owner: this.owner,
      pollMs: options.deadlinePollMs ?? DEFAULT_DEADLINE_POLL_MS,
      leaseMs: options.deadlineLeaseMs ?? DEFAULT_DEADLINE_LEASE_MS,
      batch: DEADLINE_BATCH,
      expire: (callIds) => this.expireClaimed(callIds),
      onError: options.onDeadlineError ?? (() => {}),
    });
  }

  /**
   * Gives a deadline to active calls stored without one (a database from before deadlines
   * were stored), then arms the deadline timer from the store; overdue calls end at once.
   */
  async start(): Promise<void> {
    for (;;) {
      const missing = await this.store.listCallsWithoutDeadline(DEADLINE_BATCH);
      if (missing.length === 0) break;
      // Every active call has a deadline (its maximum duration at the latest).
      await this.store.fillMissingDeadlines(
        missing.map((state) => ({
          callId: state.callId,
          deadlineAt: nextDeadline(state, this.config) ?? state.createdAt,
        })),
      );
    }
    await this.deadlines.start();
  }

  /** Stops ending calls; deadlines this node claimed are taken over once their leases lapse. */
  stop(): void {
    this.deadlines.stop();
  }

  /** When this node next looks for due deadlines (for tests and metrics). */
  get nextDeadlineWakeAt(): number | null {
    return this.deadlines.nextWakeAt;
  }

  async createCall(
    input: { threadId: string; streamId: string; callId?: string },
    idempotency?: IdempotencyInput,
  ): Promise<CommandResult> {
    const callId = input.callId ?? this.newId();
    return this.run(callId, idempotency, true, (current) => {
      if (current) {
        return {
          ok: false,
          error: new CallhookError('conflict', `call ${callId} already exists`, { callId }),
        };
      }
      return createCall(
        { callId, threadId: input.threadId, streamId: input.streamId },
        this.context(),
      );
    });
  }

  async command(
    callId: string,
    command: CallCommand,
    idempotency?: IdempotencyInput,
  ): Promise<CommandResult> {
    return this.run(callId, idempotency, false, (current) => {
      if (!current) {
        return {
          ok: false,
          error: new CallhookError('not_found', `no call ${callId}`, { callId }),
        };
      }
      return applyCommand(current, command, this.context());
    });
  }

  async getCall(callId: string): Promise<CallView> {
    const state = await this.store.getCall(callId);
    if (!state) throw new CallhookError('not_found', `no call ${callId}`, { callId });
    return callView(state, this.clock.now());
  }

  async listCalls(query: CallListQuery): Promise<{ calls: CallView[]; nextCursor: string | null }> {
    const page = await this.store.listCalls(query);
    const now = this.clock.now();
    return { calls: page.calls.map((s) => callView(s, now)), nextCursor: page.nextCursor };
  }

  /**
   * Claims every call whose deadline has passed and ends it. Runs from the timer (after any
   * run the timer already started); exposed for tests.
   */
  expireDue(): Promise<void> {
    return this.deadlines.wake();
  }

  /** Different calls, started together: they share one group commit. */
  private async expireClaimed(callIds: readonly string[]): Promise<void> {
    await Promise.all(
      callIds.map((callId) =>
        // Writing the call (ended, or with the deadline it really has) frees its lease.
        // A failure leaves the lease to lapse, and the call is claimed again then.
        this.run(callId, undefined, false, (current) =>
          current
            ? { ok: true, state: current, events: [] }
            : { ok: false, error: new CallhookError('not_found', `no call ${callId}`) },
        ).catch(() => {}),
      ),
    );
  }

  private context(): EngineContext {
    return { now: this.clock.now(), newId: this.newId, config: this.config };
  }

  /**
   * One transaction: expire the call if its deadline passed (those events commit even when
   * the command is then refused, as the timer would have committed them anyway), replay or
   * refuse by idempotency key, apply the command, save state + events + response together.
   */
  private async run(
    callId: string,
    idempotency: IdempotencyInput | undefined,
    created: boolean,
    decide: (current: CallState | undefined) => Decision | { ok: false; error: CallhookError },
  ): Promise<CommandResult> {
    let committed: readonly EngineEvent[] = [];
    let finalState: CallState | undefined;
    let deadlineAt: number | null = null;
    const outcome = await this.store.runCommand<Internal>(
      callId,
      (current, saved): CommandOutcome<Internal> => {
        if (saved && idempotency) return this.replay(saved, idempotency);
        const ctx = this.context();
        const expired = current ? expireCall(current, ctx) : undefined;
        const before = expired?.state ?? current;
        const expiryEvents = expired?.events ?? [];
        const decision = decide(before);
        if (!decision.ok) {
          const error = toCallhookError(decision.error);
          committed = expiryEvents;
          finalState = expiryEvents.length > 0 ? before : undefined;
          const base = { events: expiryEvents, result: { kind: 'rejected', error } as const };
          if (!finalState) return base;
          deadlineAt = nextDeadline(finalState, this.config);
          return { ...base, state: finalState, deadlineAt };
        }
        const events = [...expiryEvents, ...decision.events];
        const result: CommandResult = {
          created,
          call: callView(decision.state, ctx.now),
          events,
          replayed: false,
        };
        committed = events;
        finalState = decision.state;
        deadlineAt = nextDeadline(decision.state, this.config);
        return {
          state: decision.state,
          deadlineAt,
          events,
          result: { kind: 'done', result },
          ...(idempotency && {
            idempotency: {
              scope: idempotency.scope,
              key: idempotency.key,
              requestHash: idempotency.requestHash,
              created,
              responseBody: JSON.stringify(result.call),
              createdAt: ctx.now,
            },
          }),
        };
      },
      idempotency ? { idempotencyKey: { scope: idempotency.scope, key: idempotency.key } } : {},
    );
    if (finalState) this.afterCommit(deadlineAt, committed);
    if (outcome.kind === 'rejected') throw outcome.error;
    return outcome.result;
  }

  private replay(
    saved: IdempotencyRecord,
    idempotency: IdempotencyInput,
  ): CommandOutcome<Internal> {
    if (saved.requestHash !== idempotency.requestHash) {
      const error = new CallhookError(
        'conflict',
        'this Idempotency-Key was already used with a different request',
        { idempotencyKey: idempotency.key },
      );
      return { events: [], result: { kind: 'rejected', error } };
    }
    const result: CommandResult = {
      created: saved.created,
      call: JSON.parse(saved.responseBody) as CallView,
      events: [],
      replayed: true,
    };
    return { events: [], result: { kind: 'done', result } };
  }

  private afterCommit(deadlineAt: number | null, events: readonly EngineEvent[]): void {
    this.deadlines.noteDeadline(deadlineAt);
    this.bus.publish(events);
  }
}

function toCallhookError(error: Error): CallhookError {
  if (error instanceof CallhookError) return error;
  const code = (error as { code?: string }).code;
  const details = (error as { details?: unknown }).details;
  if (code === 'invalid_transition' || code === 'validation_error') {
    return new CallhookError(code, error.message, details);
  }
  return new CallhookError('internal', error.message);
}
