import type { AttemptOutcome, DueClaim, DueDelivery } from '../delivery-port.ts';
import { attemptParams, dueDeliveryOf } from '../delivery-rows.ts';
import { type Lane, setEndpointLanesEnabled, settleLane } from './delivery-lanes.ts';
import type { DeliveryStatements, OutcomeTargetRow } from './delivery-statements.ts';
import type { UnwrittenDeliveries } from './unwritten-deliveries.ts';

// The dispatcher's two writes. Each runs inside one IMMEDIATE transaction (the caller's), so a
// claim and its leases, or a batch of outcomes and the lane moves they cause, are all or nothing.

/**
 * Selects due lane heads and leases them to `claim.owner` until `claim.leaseUntil`, endpoint by
 * endpoint: each enabled endpoint not excluded gets at most its share (`perEndpoint`), in turn
 * from `turn` (rotating, so that when `claim.limit` runs out first no endpoint is always last).
 * Each endpoint's scan reads only its own due heads, so one endpoint's backlog costs nothing
 * to the others' claims, and a claim with every endpoint busy reads nothing at all.
 */
export function claimDue(
  st: DeliveryStatements,
  now: number,
  claim: DueClaim,
  enabledIds: readonly string[],
  turn: number,
  unwritten: UnwrittenDeliveries,
): DueDelivery[] {
  const exclude = new Set(claim.excludeEndpointIds ?? []);
  const cap = claim.perEndpoint;
  const held = cap?.inFlight ?? {};
  // Endpoints with nothing left of their share are not counted in the even split.
  const open = enabledIds.filter(
    (id) => !exclude.has(id) && (cap === undefined || (held[id] ?? 0) < cap.limit),
  );
  const taken = new Map<string, number>();
  const claimed: DueDelivery[] = [];
  const take = (endpointId: string, most: number): number => {
    const share = cap ? cap.limit - (held[endpointId] ?? 0) : Number.POSITIVE_INFINITY;
    const limit = Math.min(
      share - (taken.get(endpointId) ?? 0),
      most,
      claim.limit - claimed.length,
    );
    if (limit <= 0) return 0;
    const rows = st.selectDueOfEndpoint.all({ endpointId, now, limit });
    for (const row of rows) {
      const leased = st.leaseDelivery.get({
        id: row.id,
        leaseUntil: claim.leaseUntil,
        owner: claim.owner,
      });
      const due = dueDeliveryOf(row, now);
      // Taken over from another owner's lapsed lease: its attempt counts (LEASE_DELIVERY).
      if (leased) due.attemptCount = leased.attempt_count;
      claimed.push(due);
    }
    // Then the heads not written yet (the deferred outbox), after the rows' (retries).
    const fresh = unwritten.claim(
      endpointId,
      now,
      claim.owner,
      claim.leaseUntil,
      limit - rows.length,
    );
    for (const due of fresh) claimed.push(due);
    const n = rows.length + fresh.length;
    taken.set(endpointId, (taken.get(endpointId) ?? 0) + n);
    return n;
  };
  const n = open.length;
  // First an even part of the limit each, then what is left to whoever has more due, so that
  // when the limit binds, every endpoint with due heads is in the claim.
  const even = Math.max(1, Math.floor(claim.limit / Math.max(1, n)));
  const more: string[] = [];
  for (let i = 0; i < n && claimed.length < claim.limit; i++) {
    const endpointId = open[(turn + i) % n]!;
    if (take(endpointId, even) === even) more.push(endpointId);
  }
  for (const endpointId of more) {
    if (claimed.length >= claim.limit) break;
    take(endpointId, claim.limit);
  }
  return claimed;
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
  unwritten: UnwrittenDeliveries,
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
    const unwrittenOf = unwritten.endpointOf(id);
    if (unwrittenOf !== undefined) {
      // Not written yet (the deferred outbox). Its holder's first `delivered` is written once,
      // delivered; anything else writes its lane out as rows, and the row rules below apply.
      const disable = outcome.endpoint?.disable;
      if (
        outcome.next.status === 'delivered' &&
        disable === undefined &&
        unwritten.settleDelivered(id, outcome.owner, outcome.attempt.attempt, now)
      ) {
        if (outcome.endpoint) {
          st.applyEndpointOutcome.run({
            id: unwrittenOf,
            failingSince: outcome.endpoint.failingSince,
            disable: null,
            now,
          });
        }
        st.insertAttempt.run(attemptParams(outcome.attempt));
        continue;
      }
      unwritten.writeLaneOf(id);
    }
    const row = st.selectOutcomeTarget.get({ id });
    if (!row) continue; // its endpoint was deleted while the attempt was in flight
    const endpointId = row.endpoint_id;
    let enabled = isEnabled(endpointId);

    if (outcome.endpoint) {
      const disable = outcome.endpoint.disable ?? null;
      // A disable parks what is pending: what is not written yet is written first.
      if (disable !== null && enabled) unwritten.flush(endpointId);
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
