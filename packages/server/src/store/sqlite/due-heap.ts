// A binary min-heap of lane heads by (due time, log position): the deferred outbox's claim
// takes the oldest due first without sorting its window at every claim. Small and specific
// enough that a dependency would be more than it saves. Entries are removed lazily: the
// caller skips what `live` rejects when it pops.

export interface DueItem {
  dueAt: number | null;
  position: number;
}

function before(a: DueItem, b: DueItem): boolean {
  const ad = a.dueAt ?? Number.POSITIVE_INFINITY;
  const bd = b.dueAt ?? Number.POSITIVE_INFINITY;
  return ad < bd || (ad === bd && a.position < b.position);
}

export class DueHeap<T extends DueItem> {
  private readonly items: T[] = [];

  constructor(private readonly live: (item: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i] as T, items[parent] as T)) break;
      [items[i], items[parent]] = [items[parent] as T, items[i] as T];
      i = parent;
    }
  }

  /** The first live item, dropping the dead ones above it; undefined when none. */
  peek(): T | undefined {
    while (this.items.length > 0) {
      const top = this.items[0] as T;
      if (this.live(top)) return top;
      this.pop();
    }
    return undefined;
  }

  /** Removes and returns the top item (live or not). */
  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && before(items[l] as T, items[m] as T)) m = l;
        if (r < items.length && before(items[r] as T, items[m] as T)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m] as T, items[i] as T];
        i = m;
      }
    }
    return top;
  }

  clear(): void {
    this.items.length = 0;
  }
}
