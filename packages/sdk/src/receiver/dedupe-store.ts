import { LruSet } from './lru-set.ts';

/**
 * Where a receiver remembers the `webhook-id`s it has handled. Plug in Redis or a database
 * to dedupe across processes and restarts; the default lives in memory.
 */
export interface DedupeStore {
  has(id: string): boolean | Promise<boolean>;
  add(id: string): void | Promise<void>;
}

export const DEFAULT_DEDUPE_CAPACITY = 10_000;

/** In-memory dedupe store remembering the last `capacity` ids (default 10,000). */
export class MemoryDedupeStore implements DedupeStore {
  readonly #ids: LruSet;

  constructor(capacity = DEFAULT_DEDUPE_CAPACITY) {
    this.#ids = new LruSet(capacity);
  }

  get size(): number {
    return this.#ids.size;
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  add(id: string): void {
    this.#ids.add(id);
  }
}
