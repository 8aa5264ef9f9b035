import type { EngineEvent } from '../engine/call-state.ts';

export type EventListener = (events: readonly EngineEvent[]) => void;

/**
 * Tells in-process readers (SSE streams, metrics, the dispatcher) that events were
 * committed. Readers fetch from the store by cursor, so nothing is buffered here.
 */
export class EventBus {
  private listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(events: readonly EngineEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch {
        // A broken reader must not fail the command that already committed.
      }
    }
  }
}
