// A FAKE DeliveryStore, in memory, for tests only: lanes, leases and outcomes as the port
// describes them, nothing durable. The real store is SQLite (src/store/sqlite/); tests of
// behaviour that matters run against that one.
import { randomUUID } from 'node:crypto';
import type { EngineEvent } from '../../src/engine/call-state.ts';
import type {
  AttemptOutcome,
  AttemptRecord,
  DeliveryRecord,
  DeliveryStatus,
  DeliveryStore,
  DueDelivery,
  EndpointRecord,
  Page,
} from '../../src/store/delivery-port.ts';

interface FakeDelivery extends DeliveryRecord {
  leaseUntil: number | null;
  body: string;
  order: number;
}

export class FakeDeliveryStore implements DeliveryStore {
  private readonly endpoints = new Map<string, EndpointRecord>();
  private readonly deliveries = new Map<string, FakeDelivery>();
  private readonly attempts = new Map<string, AttemptRecord[]>();
  private order = 0;
  private position = 0;

  /** What the outbox does in a command's transaction: a delivery per enabled, subscribed endpoint. */
  append(events: readonly EngineEvent[], now: number): void {
    for (const event of events) {
      this.position += 1;
      for (const endpoint of this.endpoints.values()) {
        if (!endpoint.enabled) continue;
        if (endpoint.eventTypes && !endpoint.eventTypes.includes(event.type)) continue;
        const { streamId, threadId } = endpoint.filter ?? {};
        if (streamId !== undefined && streamId !== event.payload.streamId) continue;
        if (threadId !== undefined && threadId !== event.payload.threadId) continue;
        const lanePending = this.lane(endpoint.id, event.callId).some(
          (d) => d.status === 'pending',
        );
        const id = randomUUID();
        this.deliveries.set(id, {
          id,
          endpointId: endpoint.id,
          eventId: event.id,
          eventPosition: this.position,
          callId: event.callId,
          seq: event.seq,
          eventType: event.type,
          status: 'pending',
          attemptCount: 0,
          nextAttemptAt: lanePending ? null : now,
          createdAt: now,
          updatedAt: now,
          leaseUntil: null,
          body: JSON.stringify(event.payload),
          order: this.order++,
        });
      }
    }
  }

  async createEndpoint(endpoint: EndpointRecord): Promise<void> {
    this.endpoints.set(endpoint.id, structuredClone(endpoint));
  }

  async getEndpoint(id: string): Promise<EndpointRecord | undefined> {
    const e = this.endpoints.get(id);
    return e && structuredClone(e);
  }

  async listEndpoints(query: { limit: number }): Promise<Page<EndpointRecord>> {
    const items = [...this.endpoints.values()].slice(0, query.limit).map((e) => structuredClone(e));
    return { items, nextCursor: null };
  }

  async updateEndpoint(endpoint: EndpointRecord): Promise<void> {
    this.endpoints.set(endpoint.id, structuredClone(endpoint));
  }

  async deleteEndpoint(id: string): Promise<boolean> {
    for (const d of this.deliveries.values()) if (d.endpointId === id) this.deliveries.delete(d.id);
    return this.endpoints.delete(id);
  }

  async listDeliveries(
    endpointId: string,
    query: { status?: DeliveryStatus; limit: number; cursor?: string },
  ): Promise<Page<DeliveryRecord & { attempts: AttemptRecord[] }>> {
    const from = Number(query.cursor ?? 0);
    const all = [...this.deliveries.values()]
      .filter((d) => d.endpointId === endpointId && (!query.status || d.status === query.status))
      .sort((a, b) => a.order - b.order);
    const items = all.slice(from, from + query.limit).map((d) => this.view(d));
    const more = from + query.limit < all.length;
    return { items, nextCursor: more ? String(from + query.limit) : null };
  }

  async getDelivery(
    id: string,
  ): Promise<(DeliveryRecord & { attempts: AttemptRecord[] }) | undefined> {
    const d = this.deliveries.get(id);
    return d && this.view(d);
  }

  async claimDue(
    now: number,
    limit: number,
    leaseUntil: number,
    excludeEndpointIds: readonly string[] = [],
  ): Promise<DueDelivery[]> {
    const due = [...this.deliveries.values()]
      .filter(
        (d) =>
          d.status === 'pending' &&
          d.nextAttemptAt !== null &&
          d.nextAttemptAt <= now &&
          (d.leaseUntil === null || d.leaseUntil <= now) &&
          this.endpoints.get(d.endpointId)?.enabled === true &&
          !excludeEndpointIds.includes(d.endpointId),
      )
      .sort((a, b) => a.nextAttemptAt! - b.nextAttemptAt! || a.order - b.order)
      .slice(0, limit);
    return due.map((d) => {
      d.leaseUntil = leaseUntil;
      const endpoint = this.endpoints.get(d.endpointId)!;
      const { leaseUntil: _lease, body, order: _order, ...record } = d;
      const secrets = endpoint.secrets
        .filter((s) => s.expiresAt === null || s.expiresAt > now)
        .map((s) => s.secret);
      return { ...record, url: endpoint.url, secrets, body };
    });
  }

  async recordOutcomes(outcomes: readonly AttemptOutcome[], now: number): Promise<void> {
    for (const { attempt, next, endpoint } of outcomes) {
      const d = this.deliveries.get(attempt.deliveryId);
      if (!d) continue;
      this.attempts.set(d.id, [...(this.attempts.get(d.id) ?? []), { ...attempt }]);
      d.attemptCount = attempt.attempt;
      d.leaseUntil = null;
      d.updatedAt = now;
      if (next.status === 'pending') {
        d.nextAttemptAt = next.nextAttemptAt;
      } else {
        d.status = next.status;
        d.nextAttemptAt = null;
        this.promote(d.endpointId, d.callId, now);
      }
      const e = this.endpoints.get(d.endpointId);
      if (e && endpoint) {
        e.failingSince = endpoint.failingSince;
        if (endpoint.disable) {
          e.enabled = false;
          e.disabledReason = endpoint.disable;
        }
        e.updatedAt = now;
      }
    }
  }

  async nextDueAt(): Promise<number | null> {
    let min: number | null = null;
    for (const d of this.deliveries.values()) {
      if (d.status !== 'pending' || d.nextAttemptAt === null) continue;
      if (this.endpoints.get(d.endpointId)?.enabled !== true) continue;
      const at = Math.max(d.nextAttemptAt, d.leaseUntil ?? 0);
      if (min === null || at < min) min = at;
    }
    return min;
  }

  async releaseLeases(_now: number): Promise<number> {
    let n = 0;
    for (const d of this.deliveries.values()) {
      if (d.leaseUntil !== null) {
        d.leaseUntil = null;
        n += 1;
      }
    }
    return n;
  }

  async retryDelivery(id: string, now: number): Promise<DeliveryRecord | undefined> {
    const d = this.deliveries.get(id);
    if (!d) return undefined;
    d.status = 'pending';
    d.nextAttemptAt = null;
    d.updatedAt = now;
    // The lane's head may now be this one: only the head keeps a due time.
    const head = this.head(d.endpointId, d.callId);
    for (const other of this.lane(d.endpointId, d.callId)) {
      if (other.status === 'pending' && other !== head) other.nextAttemptAt = null;
    }
    if (head) head.nextAttemptAt = Math.min(head.nextAttemptAt ?? now, now);
    return this.view(d);
  }

  async replay(): Promise<number> {
    throw new Error('FakeDeliveryStore does not replay');
  }

  private lane(endpointId: string, callId: string): FakeDelivery[] {
    return [...this.deliveries.values()]
      .filter((d) => d.endpointId === endpointId && d.callId === callId)
      .sort((a, b) => a.seq - b.seq || a.order - b.order);
  }

  private head(endpointId: string, callId: string): FakeDelivery | undefined {
    return this.lane(endpointId, callId).find((d) => d.status === 'pending');
  }

  private promote(endpointId: string, callId: string, now: number): void {
    const head = this.head(endpointId, callId);
    if (head && head.nextAttemptAt === null) head.nextAttemptAt = now;
  }

  private view(d: FakeDelivery): DeliveryRecord & { attempts: AttemptRecord[] } {
    const { leaseUntil: _lease, body: _body, order: _order, ...record } = d;
    return { ...record, attempts: [...(this.attempts.get(d.id) ?? [])] };
  }
}
