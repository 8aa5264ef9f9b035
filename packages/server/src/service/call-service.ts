import type { Clock, TimerHandle } from '../clock.ts';
import { expireCall, nextDeadline } from '../engine/auto-end.ts';
import { applyCommand, createCall } from '../engine/call-engine.ts';
import type { CallState, EngineConfig, EngineEvent } from '../engine/call-state.ts';
import { type CallView, callView } from '../engine/call-view.ts';
import type { CallCommand, Decision, EngineContext } from '../engine/commands.ts';
import { CallhookError } from '../errors.ts';
import type { CallListQuery, CallStore, CommandOutcome, IdempotencyRecord } from '../store/port.ts';
import { uuidV7Generator } from '../uuid-v7.ts';
import { DeadlineQueue } from './deadline-queue.ts';
import { EventBus } from './event-bus.ts';

/** How a request names its idempotency: the key, what it is scoped to, and a hash of the request. */
export interface IdempotencyInput {
  scope: string;
  key: string;
  requestHash: string;
}

/** What a command returns: the HTTP status to answer with and the call's new state. */
export interface CommandResult {
  statusCode: number;
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
}

type Internal =
  | { kind: 'done'; result: CommandResult }
  | { kind: 'rejected'; error: CallhookError };

/**
 * The call service: runs engine decisions inside store transactions, publishes what
 * committed, and ends calls at their deadlines (re-armed from the store after a restart).
 */
export class CallService {
  readonly bus: EventBus;
  private readonly store: CallStore;
  private readonly clock: Clock;
  private readonly config: EngineConfig;
  private readonly newId: () => string;
  private readonly deadlines = new DeadlineQueue();
  private timer: TimerHandle | null = null;
  private timerAt: number | null = null;
  private stopped = false;
  private expiring: Promise<void> = Promise.resolve();

  constructor(options: CallServiceOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.config = options.config;
    // Time-ordered ids keep the store's per-call indexes append-mostly (uuid-v7.ts).
    this.newId = options.newId ?? uuidV7Generator(() => this.clock.now());
    this.bus = options.bus ?? new EventBus();
  }

  /** Re-arms the auto-end deadline of every active call (after a restart) and ends overdue ones. */
  async start(): Promise<void> {
    for (const state of await this.store.listActiveCalls()) {
      this.deadlines.set(state.callId, nextDeadline(state, this.config));
    }
    this.rearm();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
  }

  /** Calls whose auto-end is pending (for metrics and tests). */
  get scheduledDeadlines(): number {
    return this.deadlines.size;
  }

  async createCall(
    input: { threadId: string; streamId: string; callId?: string },
    idempotency?: IdempotencyInput,
  ): Promise<CommandResult> {
    const callId = input.callId ?? this.newId();
    return this.run(callId, idempotency, 201, (current) => {
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
    return this.run(callId, idempotency, 200, (current) => {
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

  /** Ends every call whose deadline has passed. Runs from the timer; exposed for tests. */
  async expireDue(): Promise<void> {
    const run = this.expiring.then(async () => {
      // Different calls: started together, they share one group commit.
      const due = this.deadlines.popDue(this.clock.now());
      await Promise.all(
        due.map((callId) =>
          this.run(callId, undefined, 200, (current) =>
            current
              ? { ok: true, state: current, events: [] }
              : { ok: false, error: new CallhookError('not_found', `no call ${callId}`) },
          ).catch(() => {}),
        ),
      );
    });
    this.expiring = run;
    await run;
    this.rearm();
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
    successStatus: number,
    decide: (current: CallState | undefined) => Decision | { ok: false; error: CallhookError },
  ): Promise<CommandResult> {
    let committed: readonly EngineEvent[] = [];
    let finalState: CallState | undefined;
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
          return finalState ? { ...base, state: finalState } : base;
        }
        const events = [...expiryEvents, ...decision.events];
        const result: CommandResult = {
          statusCode: successStatus,
          call: callView(decision.state, ctx.now),
          events,
          replayed: false,
        };
        committed = events;
        finalState = decision.state;
        return {
          state: decision.state,
          events,
          result: { kind: 'done', result },
          ...(idempotency && {
            idempotency: {
              scope: idempotency.scope,
              key: idempotency.key,
              requestHash: idempotency.requestHash,
              statusCode: successStatus,
              responseBody: JSON.stringify(result.call),
              createdAt: ctx.now,
            },
          }),
        };
      },
      idempotency ? { idempotencyKey: { scope: idempotency.scope, key: idempotency.key } } : {},
    );
    if (finalState) this.afterCommit(finalState, committed);
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
      statusCode: saved.statusCode,
      call: JSON.parse(saved.responseBody) as CallView,
      events: [],
      replayed: true,
    };
    return { events: [], result: { kind: 'done', result } };
  }

  private afterCommit(state: CallState, events: readonly EngineEvent[]): void {
    this.deadlines.set(state.callId, nextDeadline(state, this.config));
    this.bus.publish(events);
    this.rearm();
  }

  private rearm(): void {
    if (this.stopped) return;
    const next = this.deadlines.peek();
    if (next === this.timerAt) return;
    this.timer?.cancel();
    this.timer = null;
    this.timerAt = next;
    if (next === null) return;
    this.timer = this.clock.setTimer(next, () => {
      this.timer = null;
      this.timerAt = null;
      void this.expireDue();
    });
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
