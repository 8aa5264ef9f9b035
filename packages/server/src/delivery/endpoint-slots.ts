// Per-endpoint concurrency: at most `limit` attempts to one endpoint at once, the only bound
// on attempts in flight, so an endpoint's slowness costs its own slots and nothing else.
// A claim asks of an endpoint up to its slots once more than it holds (`held()`): what finds
// no free slot waits here, in claim order, for a slot of its OWN endpoint — so a slot that
// frees is used at once, without a store turn, and a hanging endpoint holds only its own.
import type { DueDelivery } from '../store/delivery-port.ts';

export class EndpointSlots {
  private readonly limit: number;
  private readonly used = new Map<string, number>();
  private readonly waiting = new Map<string, DueDelivery[]>();
  private waitingTotal = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** What each endpoint holds here, in flight or waiting for one of its slots (none: left out). */
  held(): Record<string, number> {
    const held: Record<string, number> = Object.fromEntries(this.used);
    for (const [id, list] of this.waiting) held[id] = (held[id] ?? 0) + list.length;
    return held;
  }

  /** Takes a slot for `d` (true: send it now) or queues it behind its endpoint's attempts. */
  admit(d: DueDelivery): boolean {
    const n = this.used.get(d.endpointId) ?? 0;
    if (n < this.limit) {
      this.used.set(d.endpointId, n + 1);
      return true;
    }
    const list = this.waiting.get(d.endpointId);
    if (list) list.push(d);
    else this.waiting.set(d.endpointId, [d]);
    this.waitingTotal += 1;
    return false;
  }

  /** Gives a slot back; the endpoint's next waiting delivery, if any, takes it over. */
  release(endpointId: string): DueDelivery | undefined {
    const list = this.waiting.get(endpointId);
    const next = list?.shift();
    if (next) {
      if (list?.length === 0) this.waiting.delete(endpointId);
      this.waitingTotal -= 1;
      return next;
    }
    const left = (this.used.get(endpointId) ?? 1) - 1;
    if (left > 0) this.used.set(endpointId, left);
    else this.used.delete(endpointId);
    return undefined;
  }

  /** Takes out what waits for one endpoint (disabled), or for all (stopping). */
  dropWaiting(endpointId?: string): DueDelivery[] {
    let dropped: DueDelivery[];
    if (endpointId === undefined) {
      dropped = [...this.waiting.values()].flat();
      this.waiting.clear();
    } else {
      dropped = this.waiting.get(endpointId) ?? [];
      this.waiting.delete(endpointId);
    }
    this.waitingTotal -= dropped.length;
    return dropped;
  }

  get waitingCount(): number {
    return this.waitingTotal;
  }
}
