/** A set that forgets its oldest entries beyond `capacity` (a Map keeps insertion order). */
export class LruSet {
  readonly #capacity: number;
  readonly #items = new Map<string, true>();

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError('capacity must be a positive integer');
    }
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#items.size;
  }

  has(key: string): boolean {
    if (!this.#items.has(key)) return false;
    // Touch: a key seen again is recent again.
    this.#items.delete(key);
    this.#items.set(key, true);
    return true;
  }

  add(key: string): void {
    this.#items.delete(key);
    this.#items.set(key, true);
    while (this.#items.size > this.#capacity) {
      const oldest = this.#items.keys().next();
      if (oldest.done) break;
      this.#items.delete(oldest.value);
    }
  }
}
