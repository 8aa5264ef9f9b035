import assert from 'node:assert/strict';
import type { AttemptOutcome, DueDelivery } from '../../../src/store/delivery-port.ts';
import type { EndpointTestApp } from './endpoint-test-app.ts';

// Plays the dispatcher's part against the real store, by hand: claim the due head of an
// endpoint, then record what its attempt came to. The HTTP tests see the result.

export interface AttemptResult {
  statusCode: number | null;
  latencyMs: number;
  error?: string | null;
  responseBody?: string;
  next: AttemptOutcome['next'];
}

/** Claims the endpoint's due head, records one attempt of it, and returns the claimed delivery. */
export async function attemptHead(
  t: EndpointTestApp,
  endpointId: string,
  result: AttemptResult,
): Promise<DueDelivery> {
  const now = t.clock.now();
  // Other endpoints are excluded, so that their heads are not leased by this look.
  const all = await t.store.deliveries.listEndpoints({ limit: 500 });
  const others = all.items.map((e) => e.id).filter((id) => id !== endpointId);
  const [head, ...rest] = await t.store.deliveries.claimDue(now, {
    owner: 'node_test',
    limit: 1,
    leaseUntil: now + 60_000,
    excludeEndpointIds: others,
  });
  assert.ok(head, `nothing due for ${endpointId}`);
  assert.equal(rest.length, 0);
  await t.store.deliveries.recordOutcomes(
    [
      {
        owner: 'node_test',
        attempt: {
          deliveryId: head.id,
          attempt: head.attemptCount + 1,
          startedAt: now,
          statusCode: result.statusCode,
          latencyMs: result.latencyMs,
          error: result.error ?? null,
          responseBody: result.responseBody ?? '',
        },
        next: result.next,
      },
    ],
    now + result.latencyMs,
  );
  return head;
}
