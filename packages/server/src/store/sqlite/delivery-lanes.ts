import type { DeliveryStatements } from './delivery-statements.ts';

// The lane rule, applied after anything that may change a lane's pending set out of seq
// order (an outcome, a manual retry, a replay): each lane of an enabled endpoint with pending
// deliveries has exactly one head, normally its lowest seq. A head in flight (leased) keeps
// its place, so a lane never has two attempts in flight; a lower seq put behind it by a retry
// or a replay takes over once its outcome is written. Lanes of disabled endpoints are parked.

export interface Lane {
  endpointId: string;
  callId: string;
}

/** Runs inside the caller's transaction; `enabled` is the endpoint's state if the caller knows it. */
export function settleLane(
  st: DeliveryStatements,
  lane: Lane,
  now: number,
  enabled = st.selectEndpointEnabled.get({ id: lane.endpointId })?.enabled === 1,
): void {
  if (!enabled) return;
  const params = { endpointId: lane.endpointId, callId: lane.callId };
  const first = st.selectLaneFirst.get(params);
  if (!first) return;
  const head = st.selectLaneHead.get(params);
  if (!head) {
    st.setNextAttempt.run({ id: first.id, at: now, now });
    return;
  }
  const inFlight = head.leased_until !== null && head.leased_until > now;
  if (first.seq < head.seq && !inFlight) {
    st.setNextAttempt.run({ id: head.id, at: null, now });
    st.setNextAttempt.run({ id: first.id, at: now, now });
  }
}

/** Parks an endpoint's lanes (on disable) or gives each a head again (on enable). */
export function setEndpointLanesEnabled(
  st: DeliveryStatements,
  endpointId: string,
  enabled: boolean,
  now: number,
): void {
  if (enabled) st.resumeEndpointLanes.run({ endpointId, now });
  else st.parkEndpointLanes.run({ endpointId, now });
}

/** A key for a set of lanes. */
export function laneKey(lane: Lane): string {
  return JSON.stringify([lane.endpointId, lane.callId]);
}
