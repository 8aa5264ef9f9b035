// The change feed: how readers learn that the store changed — SSE streams, the dispatcher, the
// deadline timer, the enabled-endpoint cache. A notice is a hint, never data: readers fetch
// from the store by cursor, so a notice lost or merged with another costs latency, not events.
// The adapter publishes after its commit: in process for SQLite (every write is made by this
// process); on PostgreSQL, NOTIFY in the writing transaction (delivered at commit, to every
// node) plus a slow poll as the bound when a notice is lost.

export interface ChangeNotice {
  /** Events were appended: their types (for readers that filter) and the newest position. */
  events?: { types: readonly string[]; lastPosition: number };
  /** Endpoints were created, changed, enabled, disabled or deleted. */
  endpoints?: true;
  /** Deliveries became due outside a command (retry, replay, enable). */
  deliveries?: true;
  /**
   * Another node made the change (PostgreSQL), or a poll found it: that node acts on what it
   * wrote itself (its dispatcher claims its own new deliveries), so a reader here may take its
   * time where acting at once would only race it.
   */
  fromAnotherNode?: true;
}

export type ChangeListener = (notice: ChangeNotice) => void;

export interface ChangeFeed {
  /** Calls `listener` after each committed change, until the returned function is called. */
  subscribe(listener: ChangeListener): () => void;
}
