import type { Clock, TimerHandle } from '../clock.ts';
import type { CallStore } from '../store/port.ts';

/** Idempotency keys are honoured for 24 h (docs/api.md); older ones are deleted hourly. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;
const PRUNE_EVERY_MS = 60 * 60_000;

export class IdempotencyPruner {
  private timer: TimerHandle | null = null;

  constructor(
    private readonly store: Pick<CallStore, 'pruneIdempotency'>,
    private readonly clock: Clock,
    /** A failed prune is tried again at the next turn; this hears why. */
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  start(): void {
    this.prune();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private prune(): void {
    this.store.pruneIdempotency(this.clock.now() - IDEMPOTENCY_TTL_MS).catch(this.onError);
    this.timer = this.clock.setTimer(this.clock.now() + PRUNE_EVERY_MS, () => this.prune());
  }
}
