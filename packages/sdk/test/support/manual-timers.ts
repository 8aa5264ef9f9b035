import type { Timers } from '@callhook/sdk';

interface Scheduled {
  callback: () => void;
  ms: number;
}

/** Timers that fire only when the test says so, and tell it when one is scheduled. */
export class ManualTimers implements Timers {
  readonly #pending = new Map<number, Scheduled>();
  #nextId = 1;
  #waiters: (() => void)[] = [];

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#nextId++;
    this.#pending.set(id, { callback, ms });
    for (const wake of this.#waiters.splice(0)) wake();
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  get pending(): readonly Scheduled[] {
    return [...this.#pending.values()];
  }

  /** Resolves once at least `count` timers are pending. */
  async whenPending(count = 1): Promise<void> {
    while (this.#pending.size < count) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Fires every pending timer, as if their time had come. */
  fireAll(): void {
    const due = [...this.#pending.values()];
    this.#pending.clear();
    for (const timer of due) timer.callback();
  }
}
