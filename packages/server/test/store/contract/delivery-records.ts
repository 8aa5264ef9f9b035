import type {
  AttemptOutcome,
  DeliveryRecord,
  DeliveryStore,
  DueDelivery,
  EndpointRecord,
} from '../../../src/store/delivery-port.ts';
import { T0 } from './call-commands.ts';

// Endpoints, claims and attempt outcomes for the contracts, all in the port's own terms.

export const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
export const LEASE_MS = 60_000;

export function endpoint(id: string, fields: Partial<EndpointRecord> = {}): EndpointRecord {
  return {
    id,
    url: `https://hooks.example.com/${id}`,
    description: null,
    eventTypes: null,
    filter: null,
    enabled: true,
    disabledReason: null,
    secrets: [{ secret: SECRET, createdAt: T0, expiresAt: null }],
    failingSince: null,
    disabledAfterPosition: null,
    createdAt: T0,
    updatedAt: T0,
    ...fields,
  };
}

/** Claims everything due at `now` for `owner`, leased for LEASE_MS. */
export function claim(
  deliveries: DeliveryStore,
  now: number,
  owner = 'node-a',
  fields: { limit?: number; excludeEndpointIds?: readonly string[] } = {},
): Promise<DueDelivery[]> {
  return deliveries.claimDue(now, {
    owner,
    limit: fields.limit ?? 100,
    leaseUntil: now + LEASE_MS,
    ...(fields.excludeEndpointIds && { excludeEndpointIds: fields.excludeEndpointIds }),
  });
}

export type Next = 'delivered' | 'failed' | AttemptOutcome['next'];

/** The outcome of the delivery's next attempt by `owner` (who claimed it), started at `at`. */
export function outcome(
  delivery: Pick<DeliveryRecord, 'id' | 'attemptCount'>,
  next: Next,
  at = T0,
  endpoint?: AttemptOutcome['endpoint'],
  owner = 'node-a',
): AttemptOutcome {
  const ok = (typeof next === 'string' ? next : next.status) === 'delivered';
  return {
    owner,
    attempt: {
      deliveryId: delivery.id,
      attempt: delivery.attemptCount + 1,
      startedAt: at,
      statusCode: ok ? 200 : 500,
      latencyMs: 12,
      error: ok ? null : 'HTTP 500',
      responseBody: ok ? 'ok' : 'oops',
    },
    next: typeof next === 'string' ? { status: next } : next,
    ...(endpoint && { endpoint }),
  };
}

/** Claims and settles with `next` every head due at `now` until none is left; the (call, seq) sent. */
export async function drain(
  deliveries: DeliveryStore,
  now: number,
  next: 'delivered' | 'failed' = 'delivered',
): Promise<[string, number][]> {
  const sent: [string, number][] = [];
  for (;;) {
    const due = await claim(deliveries, now);
    if (due.length === 0) return sent;
    sent.push(...due.map((d): [string, number] => [d.callId, d.seq]));
    await deliveries.recordOutcomes(
      due.map((d) => outcome(d, next, now)),
      now,
    );
  }
}

/** Every delivery of an endpoint (all pages), with attempts, sorted by (call, seq, eventPosition). */
export async function deliveriesOf(deliveries: DeliveryStore, endpointId: string) {
  const all: Awaited<ReturnType<DeliveryStore['listDeliveries']>>['items'] = [];
  let cursor: string | undefined;
  do {
    const page = await deliveries.listDeliveries(endpointId, {
      limit: 50,
      ...(cursor && { cursor }),
    });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all.sort(
    (a, b) => a.callId.localeCompare(b.callId) || a.seq - b.seq || a.createdAt - b.createdAt,
  );
}

/** The (call, seq) of each due delivery, sorted: an order-free view of a claim. */
export function lanesOf(due: readonly DueDelivery[]): string[] {
  return due.map((d) => `${d.endpointId}/${d.callId}#${d.seq}`).sort();
}
