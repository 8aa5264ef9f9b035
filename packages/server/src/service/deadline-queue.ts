/**
 * A min-heap of (deadline, callId) with lazy deletion: one timer for the whole server
 * instead of one per call, so 100k active calls cost two small entries each.
 */
export class DeadlineQueue {
  private heap: { at: number; callId: string }[] = [];
  private current = new Map<string, number>();

  get size(): number {
    return this.current.size;
  }

  /** Sets (or replaces, or with null removes) the deadline of a call. */
  set(callId: string, at: number | null): void {
    if (at === null) {
      this.current.delete(callId);
      return;
    }
    if (this.current.get(callId) === at) return;
    this.current.set(callId, at);
    this.push({ at, callId });
  }

  /** The earliest live deadline, or null. */
  peek(): number | null {
    this.dropStale();
    return this.heap[0]?.at ?? null;
  }

  /** Removes and returns every call whose deadline is ≤ `now`. */
  popDue(now: number): string[] {
    const due: string[] = [];
    for (;;) {
      this.dropStale();
      const top = this.heap[0];
      if (!top || top.at > now) return due;
      this.pop();
      this.current.delete(top.callId);
      due.push(top.callId);
    }
  }

  private dropStale(): void {
    for (;;) {
      const top = this.heap[0];
      if (!top || this.current.get(top.callId) === top.at) return;
      this.pop();
    }
  }

  private push(entry: { at: number; callId: string }): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.at <= h[i]!.at) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l]!.at < h[m]!.at) m = l;
      if (r < h.length && h[r]!.at < h[m]!.at) m = r;
      if (m === i) return;
      [h[m], h[i]] = [h[i]!, h[m]!];
      i = m;
    }
  }
}
