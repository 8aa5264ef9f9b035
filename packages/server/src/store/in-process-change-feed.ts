import type { ChangeFeed, ChangeListener, ChangeNotice } from './change-feed.ts';

/**
 * The change feed of a store that only this process writes (SQLite): the adapter publishes
 * after each commit and every subscriber hears it at once, in this process.
 */
export class InProcessChangeFeed implements ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** For the adapter: after a commit. A failing listener never fails the writer. */
  publish(notice: ChangeNotice): void {
    for (const listener of this.listeners) {
      try {
        listener(notice);
      } catch {
        // A broken reader must not fail the command that already committed.
      }
    }
  }
}
