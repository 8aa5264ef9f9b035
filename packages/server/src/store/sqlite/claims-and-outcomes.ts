import type { AttemptOutcome, DueClaim, DueDelivery } from '../delivery-port.ts';
import { type Lane, setEndpointLanesEnabled, settleLane } from './delivery-lanes.ts';
import { attemptParams, dueDeliveryOf } from './delivery-rows.ts';
import type { DeliveryStatements, OutcomeTargetRow } from './delivery-statements.ts';

// The dispatcher's two writes. Each runs inside one IMMEDIATE transaction (the caller's), so a
// claim and its leases, or a batch of outcomes and the lane moves they cause, are all or nothing.

/**
 * Selects due lane heads and leases them to `claim.owner` until `claim.leaseUntil`. With a
 * per-endpoint cap the scan passes over the heads of an endpoint that has its share and goes
 * on (that endpoint excluded) until the claim is full or nothing else is due, so one
 * endpoint's backlog never fills the claim ahead of other endpoints' heads.
 */
export function claimDue(st: DeliveryStatements, now: number, claim: DueClaim): DueDelivery[] {
  const exclude = new Set(claim.excludeEndpointIds ?? []);
  const cap = claim.perEndpoint;
  const room = new Map<string, number>();
  const inFlight = new Map(Object.entries(cap?.inFlight ?? {}));
  const roomOf = (endpointId: string): number => {
    if (!cap) return Number.POSITIVE_INFINITY;
    return room.get(endpointId) ?? cap.limit - (inFlight.get(endpointId) ?? 0);
  };
  for (const id of inFlight.keys()) if (roomOf(id) <= 0) exclude.add(id);
  const claimed: DueDelivery[] = [];
  for (;;) {
    const wanted = claim.limit - claimed.length;
    if (wanted <= 0) return claimed;
    const rows = st.selectDue.all({ now, limit: wanted, exclude: JSON.stringify([...exclude]) });
    let passedOver = false;
    for (const row of rows) {
      const left = roomOf(row.endpoint_id);
      if (left <= 0) {
        passedOver = true; // its endpoint is excluded now: the next scan goes past it
        continue;
      }
      const leased = st.leaseDelivery.get({
        id: row.id,
        leaseUntil: claim.leaseUntil,
        owner: claim.owner,
      });
      const due = dueDeliveryOf(row, now);
      // Taken over from another owner's lapsed lease: its attempt counts (LEASE_DELIVERY).
      if (leased) due.attemptCount = leased.attempt_count;
      claimed.push(due);
      room.set(row.endpoint_id, left - 1);
      if (left - 1 <= 0) exclude.add(row.endpoint_id);
    }
    // A short scan saw every claimable head; a full one without passed-over heads filled it.
    if (rows.length < wanted || !passedOver) return claimed;
  }
}

/**
 * Writes each outcome: the endpoint's share first (so that a disable parks the lane before it
 * would be moved on), then the attempt, and — as the port's lease rule says — the delivery's
 * new state and the lane rule if the outcome is its lease holder's, or only a late `delivered`
 * if it is not. Returns whether an endpoint was disabled (the caller drops its cached
 * subscriptions).
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
    const row = st.selectOutcomeTarget.get({ id });
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
    const lane = { endpointId, callId: row.call_id };
    const holder = row.leased_by === outcome.owner;
    if (row.status !== 'pending') {
      // Settled by a late `delivered` while this attempt was under way: the lane waited for it.
      if (holder) endSettledLease(st, id, row, lane, now);
      continue;
    }
    if (!holder) {
      if (outcome.next.status === 'delivered') {
        settleLateDelivered(st, id, row, lane, outcome.attempt.attempt, now, enabled);
      }
      continue; // a late retry or failure: the holder's attempt decides
    }
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
    // The common case, a head delivered or given up: one statement gives the lane its next
    // head. When it changes nothing (the lane is empty, or has another head), the whole rule.
    const headDone = row.next_attempt_at !== null && next.status !== 'pending';
    if (headDone && st.promoteLaneFirst.run({ ...lane, at: now, now }).changes > 0) continue;
    settleLane(st, lane, now, enabled);
  }
  return { disabledEndpoint };
}

/**
 * A late `delivered`: the delivery is delivered, the holder's lease stays. While that lease is
 * live its attempt is under way, so the lane's next head is due when it ends (or when the
 * holder's outcome comes, `endSettledLease`), never two attempts of one lane at once.
 */
function settleLateDelivered(
  st: DeliveryStatements,
  id: string,
  row: OutcomeTargetRow,
  lane: Lane,
  attempt: number,
  now: number,
  enabled: boolean,
): void {
  st.settleLateDelivered.run({ id, attempt, now });
  if (!enabled) return;
  const at = row.leased_until !== null && row.leased_until > now ? row.leased_until : now;
  if (row.next_attempt_at !== null && st.promoteLaneFirst.run({ ...lane, at, now }).changes > 0) {
    return;
  }
  settleLane(st, lane, now, enabled);
}

/** The holder's outcome for a delivery settled meanwhile: the lease ends, the lane goes on now. */
function endSettledLease(
  st: DeliveryStatements,
  id: string,
  row: OutcomeTargetRow,
  lane: Lane,
  now: number,
): void {
  st.endLease.run({ id, now });
  if (row.leased_until !== null && row.leased_until > now) {
    st.headDueAfterLeaseNow.run({ ...lane, leasedUntil: row.leased_until, now });
  }
}
