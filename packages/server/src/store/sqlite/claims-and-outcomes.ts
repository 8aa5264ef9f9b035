import type { AttemptOutcome, DueDelivery } from '../delivery-port.ts';
import { setEndpointLanesEnabled, settleLane } from './delivery-lanes.ts';
import { attemptParams, dueDeliveryOf } from './delivery-rows.ts';
import type { DeliveryStatements } from './delivery-statements.ts';

// The dispatcher's two writes. Each runs inside one IMMEDIATE transaction (the caller's), so a
// claim and its leases, or a batch of outcomes and the lane moves they cause, are all or nothing.

/** Selects due lane heads and leases them until `leaseUntil`. */
export function claimDue(
  st: DeliveryStatements,
  now: number,
  limit: number,
  leaseUntil: number,
  excludeEndpointIds: readonly string[],
): DueDelivery[] {
  const rows = st.selectDue.all({ now, limit, exclude: JSON.stringify(excludeEndpointIds) });
  for (const row of rows) st.leaseDelivery.run({ id: row.id, leaseUntil });
  return rows.map((row) => dueDeliveryOf(row, now));
}

/**
 * Writes each outcome: the endpoint's share first (so that a disable parks the lane before it
 * would be moved on), then the attempt, the delivery's new state, and the lane rule. Returns
 * whether an endpoint was disabled (the caller drops its cached subscriptions).
 */
export function recordOutcomes(
  st: DeliveryStatements,
  outcomes: readonly AttemptOutcome[],
  now: number,
): { disabledEndpoint: boolean } {
  let disabledEndpoint = false;
  // A batch is mostly one endpoint's outcomes: read whether it is enabled once per batch.
  const enabledOf = new Map<string, boolean>();
  const isEnabled = (endpointId: string): boolean => {
    let enabled = enabledOf.get(endpointId);
    if (enabled === undefined) {
      enabled = st.selectEndpointEnabled.get({ id: endpointId })?.enabled === 1;
      enabledOf.set(endpointId, enabled);
    }
    return enabled;
  };
  for (const outcome of outcomes) {
    const id = outcome.attempt.deliveryId;
    const row = st.selectDelivery.get({ id });
    if (!row) continue; // its endpoint was deleted while the attempt was in flight
    const endpointId = row.endpoint_id;
    let enabled = isEnabled(endpointId);

    if (outcome.endpoint) {
      const disable = outcome.endpoint.disable ?? null;
      st.applyEndpointOutcome.run({
        id: endpointId,
        failingSince: outcome.endpoint.failingSince,
        disable,
        now,
      });
      if (disable !== null && enabled) {
        setEndpointLanesEnabled(st, endpointId, false, now);
        enabled = false;
        enabledOf.set(endpointId, false);
        disabledEndpoint = true;
      }
    }

    st.insertAttempt.run(attemptParams(outcome.attempt));
    // Already settled: a second outcome for one claim (its lease ran out and it went again).
    if (row.status !== 'pending') continue;
    const { next } = outcome;
    st.updateDeliveryOutcome.run({
      id,
      status: next.status,
      attempt: outcome.attempt.attempt,
      // A retry of a parked (disabled) endpoint waits for the endpoint to be enabled again.
      nextAttemptAt: next.status === 'pending' && enabled ? next.nextAttemptAt : null,
      now,
    });
    if (!enabled) continue; // parked lanes are settled when the endpoint is enabled again
    const lane = { endpointId, callId: row.call_id };
    // The common case, a head delivered or given up: one statement gives the lane its next
    // head. When it changes nothing (the lane is empty, or has another head), the whole rule.
    const headDone = row.next_attempt_at !== null && next.status !== 'pending';
    if (headDone && st.promoteLaneFirst.run({ ...lane, now }).changes > 0) continue;
    settleLane(st, lane, now, enabled);
  }
  return { disabledEndpoint };
}
