import type pg from 'pg';
import type { AttemptOutcome } from '../delivery-port.ts';
import { attemptParams } from '../delivery-rows.ts';
import {
  type Lane,
  laneKey,
  lanePending,
  promoteLaneFirsts,
  setEndpointLanesEnabled,
  settleLane,
} from './pg-lanes.ts';
import { APPEND_LOCK, endpointLock, laneLock, lock } from './pg-locks.ts';

// Attempt outcomes on PostgreSQL: the rule of DeliveryStore.recordOutcomes (the lease holder
// decides; a late `delivered` settles), as the SQLite adapter applies it, in the caller's
// transaction. The locks come first — append (only if an outcome disables an endpoint, which
// records the log's end), then the endpoints, then the lanes — so that no command, retry,
// replay or other node's outcome moves these lanes meanwhile. The common outcome — the holder's
// delivered, given-up or retried head of a healthy endpoint — is written for the whole batch in
// a few statements; the rest one by one, in order.

interface Target {
  id: string;
  endpoint_id: string;
  call_id: string;
  status: string;
  next_attempt_at: number | null;
  leased_until: number | null;
  leased_by: string | null;
}

export async function recordOutcomesPg(
  c: pg.ClientBase,
  outcomes: readonly AttemptOutcome[],
  now: number,
): Promise<{ disabledEndpoint: boolean }> {
  const ids = [...new Set(outcomes.map((o) => o.attempt.deliveryId))];
  const where = await c.query<{ id: string; endpoint_id: string; call_id: string }>({
    name: 'out-1',
    text: 'SELECT id, endpoint_id, call_id FROM deliveries WHERE id = ANY($1::text[])',
    values: [ids],
  });
  if (where.rows.length === 0) return { disabledEndpoint: false };
  if (outcomes.some((o) => o.endpoint?.disable)) await lock(c, [APPEND_LOCK]);
  // One statement: sorted, every endpoint: lock comes before every lane: lock (pg-locks.ts).
  // An endpoint's lock is shared unless an outcome here changes the endpoint itself.
  const endpointOfDelivery = new Map(where.rows.map((r) => [r.id, r.endpoint_id]));
  const changed = new Set(
    outcomes
      .filter((o) => o.endpoint !== undefined && o.endpoint !== null)
      .map((o) => endpointOfDelivery.get(o.attempt.deliveryId)),
  );
  await lock(
    c,
    [
      ...where.rows.map((r) => endpointLock(r.endpoint_id)),
      ...where.rows.map((r) => laneLock(r.endpoint_id, r.call_id)),
    ],
    new Set(
      where.rows.filter((r) => !changed.has(r.endpoint_id)).map((r) => endpointLock(r.endpoint_id)),
    ),
  );
  // The rows, locked, with their endpoint's state (one round trip: a turn's statements are
  // its latency, and a lane moves on once per turn).
  const targets = new Map<string, Target>();
  const enabled = new Map<string, boolean>();
  for (const row of (
    await c.query<Target & { endpoint_enabled: boolean }>({
      name: 'out-2',
      text: `SELECT d.id, d.endpoint_id, d.call_id, d.status, d.next_attempt_at, d.leased_until,
         d.leased_by, e.enabled AS endpoint_enabled
       FROM deliveries AS d JOIN endpoints AS e ON e.id = d.endpoint_id
       WHERE d.id = ANY($1::text[]) FOR UPDATE OF d`,
      values: [ids],
    })
  ).rows) {
    const { endpoint_enabled, ...target } = row;
    targets.set(row.id, target);
    enabled.set(row.endpoint_id, endpoint_enabled);
  }

  const present = outcomes.filter((o) => targets.has(o.attempt.deliveryId));
  await insertAttempts(c, present);

  // Which outcomes can go in the batch: one per lane, on an endpoint nothing in this batch
  // changes, the holder's, for its lane's head.
  const perLane = new Map<string, number>();
  const touchedEndpoints = new Set<string>();
  for (const o of present) {
    const t = targets.get(o.attempt.deliveryId)!;
    const key = laneKey({ endpointId: t.endpoint_id, callId: t.call_id });
    perLane.set(key, (perLane.get(key) ?? 0) + 1);
    if (o.endpoint) touchedEndpoints.add(t.endpoint_id);
  }
  const simple: AttemptOutcome[] = [];
  const rest: AttemptOutcome[] = [];
  for (const o of present) {
    const t = targets.get(o.attempt.deliveryId)!;
    const isSimple =
      t.leased_by === o.owner &&
      t.status === 'pending' &&
      t.next_attempt_at !== null &&
      enabled.get(t.endpoint_id) === true &&
      !touchedEndpoints.has(t.endpoint_id) &&
      perLane.get(laneKey({ endpointId: t.endpoint_id, callId: t.call_id })) === 1;
    (isSimple ? simple : rest).push(o);
  }
  await applySimple(c, simple, targets, now);

  let disabledEndpoint = false;
  for (const outcome of rest) {
    const t = targets.get(outcome.attempt.deliveryId)!;
    if (await applyOne(c, outcome, t, enabled, now)) disabledEndpoint = true;
  }
  return { disabledEndpoint };
}

async function insertAttempts(c: pg.ClientBase, outcomes: readonly AttemptOutcome[]) {
  if (outcomes.length === 0) return;
  const a = outcomes.map((o) => attemptParams(o.attempt));
  await c.query({
    name: 'out-4',
    text: `INSERT INTO delivery_attempts
       (delivery_id, attempt, started_at, status_code, latency_ms, error, response_body)
     SELECT * FROM unnest($1::text[], $2::integer[], $3::bigint[], $4::integer[],
       $5::integer[], $6::text[], $7::text[])
     ON CONFLICT (delivery_id, attempt) DO NOTHING`,
    values: [
      a.map((x) => x.deliveryId),
      a.map((x) => x.attempt),
      a.map((x) => x.startedAt),
      a.map((x) => x.statusCode),
      a.map((x) => x.latencyMs),
      a.map((x) => x.error),
      a.map((x) => x.responseBody),
    ],
  });
}

async function applySimple(
  c: pg.ClientBase,
  outcomes: readonly AttemptOutcome[],
  targets: ReadonlyMap<string, Target>,
  now: number,
): Promise<void> {
  if (outcomes.length === 0) return;
  await c.query({
    name: 'out-5',
    text: `UPDATE deliveries AS d SET
       status = u.status, attempt_count = GREATEST(d.attempt_count, u.attempt),
       next_attempt_at = u.next_attempt_at, leased_until = NULL, leased_by = NULL,
       updated_at = $5
     FROM unnest($1::text[], $2::text[], $3::integer[], $4::bigint[])
       AS u(id, status, attempt, next_attempt_at)
     WHERE d.id = u.id`,
    values: [
      outcomes.map((o) => o.attempt.deliveryId),
      outcomes.map((o) => o.next.status),
      outcomes.map((o) => o.attempt.attempt),
      outcomes.map((o) => (o.next.status === 'pending' ? o.next.nextAttemptAt : null)),
      now,
    ],
  });
  const done: (Lane & { at: number })[] = [];
  for (const o of outcomes) {
    if (o.next.status === 'pending') continue;
    const t = targets.get(o.attempt.deliveryId)!;
    done.push({ endpointId: t.endpoint_id, callId: t.call_id, at: now });
  }
  await promoteLaneFirsts(c, done, now);
}

/** One outcome by the whole rule; returns whether it disabled its endpoint. */
async function applyOne(
  c: pg.ClientBase,
  outcome: AttemptOutcome,
  t: Target,
  enabledOf: Map<string, boolean>,
  now: number,
): Promise<boolean> {
  const id = t.id;
  const endpointId = t.endpoint_id;
  let enabled = enabledOf.get(endpointId) === true;
  let disabled = false;
  // Re-read: an earlier outcome of this batch may have changed the row.
  const { rows } = await c.query<Target>({
    name: 'out-6',
    text: `SELECT id, endpoint_id, call_id, status, next_attempt_at, leased_until, leased_by
     FROM deliveries WHERE id = $1`,
    values: [id],
  });
  const row = rows[0];
  if (!row) return false;

  if (outcome.endpoint) {
    const disable = outcome.endpoint.disable ?? null;
    await c.query({
      name: 'out-7',
      text: `UPDATE endpoints SET
         failing_since = $2,
         enabled = CASE WHEN $3::text IS NULL THEN enabled ELSE false END,
         disabled_reason = COALESCE($3::text, disabled_reason),
         disabled_after_position = CASE
           WHEN $3::text IS NOT NULL AND enabled
             THEN (SELECT COALESCE(MAX(position), 0) FROM events)
           ELSE disabled_after_position END,
         updated_at = $4
       WHERE id = $1`,
      values: [endpointId, outcome.endpoint.failingSince, disable, now],
    });
    if (disable !== null && enabled) {
      await setEndpointLanesEnabled(c, endpointId, false, now);
      enabled = false;
      enabledOf.set(endpointId, false);
      disabled = true;
    }
  }

  const lane = { endpointId, callId: row.call_id };
  const holder = row.leased_by === outcome.owner;
  if (row.status !== 'pending') {
    if (holder) {
      await c.query({
        name: 'out-8',
        text: 'UPDATE deliveries SET leased_until = NULL, leased_by = NULL, updated_at = $2 WHERE id = $1',
        values: [id, now],
      });
      if (row.leased_until !== null && row.leased_until > now) {
        await c.query({
          name: 'out-9',
          text: `UPDATE deliveries SET next_attempt_at = $3, updated_at = $3
           WHERE id IN (SELECT p.id FROM (${lanePending()}) AS p
             WHERE p.next_attempt_at > $3 AND p.next_attempt_at <= $4)`,
          values: [lane.endpointId, lane.callId, now, row.leased_until],
        });
      }
    }
    return disabled;
  }
  if (!holder) {
    if (outcome.next.status === 'delivered') {
      await c.query({
        name: 'out-10',
        text: `UPDATE deliveries SET status = 'delivered',
           attempt_count = GREATEST(attempt_count, $2), next_attempt_at = NULL, updated_at = $3
         WHERE id = $1`,
        values: [id, outcome.attempt.attempt, now],
      });
      if (enabled) {
        const at = row.leased_until !== null && row.leased_until > now ? row.leased_until : now;
        const promoted =
          row.next_attempt_at !== null &&
          (await promoteLaneFirsts(c, [{ ...lane, at }], now)).size > 0;
        if (!promoted) await settleLane(c, lane, now, enabled);
      }
    }
    return disabled;
  }
  const { next } = outcome;
  await c.query({
    name: 'out-11',
    text: `UPDATE deliveries SET
       status = $2, attempt_count = GREATEST(attempt_count, $3),
       next_attempt_at = CASE WHEN next_attempt_at IS NULL THEN NULL ELSE $4::bigint END,
       leased_until = NULL, leased_by = NULL, updated_at = $5
     WHERE id = $1`,
    values: [
      id,
      next.status,
      outcome.attempt.attempt,
      next.status === 'pending' && enabled ? next.nextAttemptAt : null,
      now,
    ],
  });
  if (!enabled) return disabled;
  const headDone = row.next_attempt_at !== null && next.status !== 'pending';
  if (headDone && (await promoteLaneFirsts(c, [{ ...lane, at: now }], now)).size > 0) {
    return disabled;
  }
  await settleLane(c, lane, now, enabled);
  return disabled;
}
