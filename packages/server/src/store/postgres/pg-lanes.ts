import type pg from 'pg';

// The lane rule on PostgreSQL (the same as delivery-lanes.ts of the SQLite adapter): each lane
// of an enabled endpoint with pending deliveries has exactly one head, normally its lowest seq;
// a head in flight keeps its place. Callers hold the lane's lock (or its endpoint's with the
// append lock), so no other transaction changes the lane meanwhile.

// Every lookup of one lane goes through deliveries_by_lane. Without statistics (a new database,
// or autovacuum off) the planner rates the endpoint-wide indexes as good a fit for a lane as
// that one (deliveries_by_endpoint_status with status = 'pending', deliveries_due_by_endpoint
// with next_attempt_at IS NOT NULL) and then reads every pending delivery of the endpoint per
// lookup: with a backlog, thousands of rows per command. So a lane query orders by the lane
// index's own columns (the other indexes would need a sort), and a condition that a partial
// index could match is applied outside a fence (OFFSET 0), where it cannot pick the index.
// test/store/postgres/lane-plans.test.ts counts the rows read.
/**
 * The pending deliveries of the lane (`endpoint`, `call`) — SQL expressions, `$1` and `$2`
 * unless given — in lane order, through deliveries_by_lane: every lane lookup reads this.
 */
export function lanePending(endpoint = '$1', call = '$2'): string {
  return `SELECT ld.id, ld.seq, ld.ord, ld.leased_until, ld.next_attempt_at FROM deliveries AS ld
       WHERE ld.endpoint_id = ${endpoint} AND ld.call_id = ${call} AND ld.status = 'pending'
       ORDER BY ld.seq, ld.ord OFFSET 0`;
}

export interface Lane {
  endpointId: string;
  callId: string;
}

export async function settleLane(
  c: pg.ClientBase,
  lane: Lane,
  now: number,
  enabled?: boolean,
): Promise<void> {
  if (enabled === undefined) {
    const { rows } = await c.query<{ enabled: boolean }>({
      name: 'lane-1',
      text: 'SELECT enabled FROM endpoints WHERE id = $1',
      values: [lane.endpointId],
    });
    enabled = rows[0]?.enabled === true;
  }
  if (!enabled) return;
  const { rows } = await c.query<{
    first_id: string | null;
    first_seq: number | null;
    head_id: string | null;
    head_seq: number | null;
    head_leased_until: number | null;
  }>({
    name: 'lane-2',
    text: `SELECT f.id AS first_id, f.seq AS first_seq, h.id AS head_id, h.seq AS head_seq,
       h.leased_until AS head_leased_until
     FROM (SELECT 1) AS one
     LEFT JOIN LATERAL (
       SELECT p.id, p.seq FROM (${lanePending()}) AS p ORDER BY p.seq, p.ord LIMIT 1) AS f ON true
     LEFT JOIN LATERAL (
       SELECT p.id, p.seq, p.leased_until FROM (${lanePending()}) AS p
       WHERE p.next_attempt_at IS NOT NULL ORDER BY p.seq, p.ord LIMIT 1) AS h ON true`,
    values: [lane.endpointId, lane.callId],
  });
  const r = rows[0]!;
  if (r.first_id === null) return;
  if (r.head_id === null) {
    await setNextAttempt(c, r.first_id, now, now);
    return;
  }
  const inFlight = r.head_leased_until !== null && r.head_leased_until > now;
  if (r.first_seq! < r.head_seq! && !inFlight) {
    await setNextAttempt(c, r.head_id, null, now);
    await setNextAttempt(c, r.first_id, now, now);
  }
}

export async function setNextAttempt(
  c: pg.ClientBase,
  id: string,
  at: number | null,
  now: number,
): Promise<void> {
  await c.query({
    name: 'lane-3',
    text: 'UPDATE deliveries SET next_attempt_at = $2, updated_at = $3 WHERE id = $1',
    values: [id, at, now],
  });
}

/**
 * The common case in one statement, for many lanes at once: each lane without a head gets its
 * lowest pending seq as head, due at its `at`. Returns the lanes it gave a head.
 */
export async function promoteLaneFirsts(
  c: pg.ClientBase,
  lanes: readonly (Lane & { at: number })[],
  now: number,
): Promise<Set<string>> {
  if (lanes.length === 0) return new Set();
  const { rows } = await c.query<{ endpoint_id: string; call_id: string }>({
    name: 'lane-4',
    text: `UPDATE deliveries AS d SET next_attempt_at = f.at, updated_at = $4
     FROM (
       SELECT (SELECT p.id FROM (${lanePending('l.endpoint_id', 'l.call_id')}) AS p
               ORDER BY p.seq, p.ord LIMIT 1) AS id, l.at
       FROM unnest($1::text[], $2::text[], $3::bigint[]) AS l(endpoint_id, call_id, at)
       WHERE NOT EXISTS (
         SELECT 1 FROM (${lanePending('l.endpoint_id', 'l.call_id')}) AS p
         WHERE p.next_attempt_at IS NOT NULL)
     ) AS f
     WHERE d.id = f.id
     RETURNING d.endpoint_id, d.call_id`,
    values: [
      lanes.map((l) => l.endpointId),
      lanes.map((l) => l.callId),
      lanes.map((l) => l.at),
      now,
    ],
  });
  return new Set(rows.map((r) => laneKey({ endpointId: r.endpoint_id, callId: r.call_id })));
}

/** Disabling parks the endpoint's lanes; enabling gives each lane a head again. */
export async function setEndpointLanesEnabled(
  c: pg.ClientBase,
  endpointId: string,
  enabled: boolean,
  now: number,
): Promise<void> {
  if (!enabled) {
    await c.query({
      name: 'lane-5',
      text: `UPDATE deliveries SET next_attempt_at = NULL, updated_at = $2
       WHERE endpoint_id = $1 AND status = 'pending' AND next_attempt_at IS NOT NULL`,
      values: [endpointId, now],
    });
    return;
  }
  // Each lane without a head: its delivery in flight (leased) if it has one, else its first.
  await c.query({
    name: 'lane-6',
    text: `UPDATE deliveries SET next_attempt_at = $2, updated_at = $2
     WHERE id IN (
       SELECT (
         SELECT first.id FROM deliveries AS first
         WHERE first.endpoint_id = $1 AND first.call_id = lane.call_id
           AND first.status = 'pending'
         ORDER BY COALESCE(first.leased_until > $2, false) DESC, first.seq, first.ord
         LIMIT 1)
       FROM deliveries AS lane
       WHERE lane.endpoint_id = $1 AND lane.status = 'pending'
       GROUP BY lane.call_id
       HAVING COUNT(lane.next_attempt_at) = 0)`,
    values: [endpointId, now],
  });
}

export function laneKey(lane: Lane): string {
  return `${lane.endpointId}\u0000${lane.callId}`;
}
