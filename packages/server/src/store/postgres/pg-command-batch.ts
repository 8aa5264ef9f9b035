import type pg from 'pg';
import type { CallState, EngineEvent } from '../../engine/call-state.ts';
import { newDeliveryId } from '../delivery-rows.ts';
import type { CommandOutcome, IdempotencyRecord } from '../port.ts';
import { checkCommandOutcome } from '../port-checks.ts';
import { StoreError } from '../store-error.ts';
import type { PgChangeFeed } from './pg-change-feed.ts';
import { inTransaction } from './pg-connection.ts';
import type { PgEndpointCache } from './pg-endpoint-cache.ts';
import { APPEND_LOCK, callLock, idempotencyLock, laneLock, lock } from './pg-locks.ts';

// Group commit on PostgreSQL: the commands that arrive while one batch is being written go
// together into the next, as one transaction of a fixed number of statements (not one per
// command). Each command's `decide` runs in arrival order on the state the previous ones left,
// exactly as if they had run one by one; one that throws is left out and rejected alone. If
// the batch's transaction fails, its commands run again one per transaction, so a failure
// belongs to the command that caused it. One batch is in flight at a time per node, so commands
// on one call keep their arrival order; between nodes the call's lock orders them.

export type Decide<R> = (
  current: CallState | undefined,
  saved: IdempotencyRecord | undefined,
) => CommandOutcome<R>;

interface Job {
  callId: string;
  decide: Decide<unknown>;
  key: { scope: string; key: string } | undefined;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

const MAX_BATCH = 256;

export class PgCommandBatcher {
  private queue: Job[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly endpoints: PgEndpointCache,
    private readonly changes: PgChangeFeed,
  ) {}

  run<R>(callId: string, decide: Decide<R>, key?: { scope: string; key: string }): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({
        callId,
        decide: decide as Decide<unknown>,
        key,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      if (!this.running) this.running = this.drain();
    });
  }

  /** Settles once everything queued so far is written (before the pool closes). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // Let the commands of this turn of the event loop join the first batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.queue.length > 0) {
        const jobs = this.queue.splice(0, MAX_BATCH);
        await this.runBatch(jobs);
      }
    } finally {
      this.running = null;
    }
  }

  private async runBatch(jobs: Job[]): Promise<void> {
    let written: Written;
    try {
      written = await inTransaction(this.pool, (client) => writeBatch(client, jobs, this));
    } catch (error) {
      this.endpoints.invalidate();
      if (jobs.length === 1) {
        jobs[0]!.reject(error);
        return;
      }
      // Find the command that failed: each alone, in order.
      for (const job of jobs) await this.runBatch([job]);
      return;
    }
    if (written.types.length > 0) {
      this.changes.publish({
        events: { types: written.types, lastPosition: written.lastPosition },
      });
    }
    written.settled.forEach((s, i) => {
      if (s.ok) jobs[i]!.resolve(s.value);
      else jobs[i]!.reject(s.error);
    });
  }

  /** For writeBatch. */
  get cache(): PgEndpointCache {
    return this.endpoints;
  }

  get feed(): PgChangeFeed {
    return this.changes;
  }
}

interface Written {
  settled: Settled[];
  types: string[];
  lastPosition: number;
}

interface CallWrite {
  state: CallState;
  deadlineAt: number | null;
}

async function writeBatch(
  client: pg.ClientBase,
  jobs: readonly Job[],
  batcher: PgCommandBatcher,
): Promise<Written> {
  // 1. Serialise with every other node's commands on the same calls and keys.
  const names: string[] = [];
  for (const job of jobs) {
    names.push(callLock(job.callId));
    if (job.key) names.push(idempotencyLock(job.key.scope, job.key.key));
  }
  await lock(client, names);

  // 2. Read what the commands decide on.
  const callIds = [...new Set(jobs.map((j) => j.callId))];
  const states = new Map<string, CallState>();
  for (const row of (
    await client.query<{ call_id: string; state_json: string }>({
      name: 'cmd-1',
      text: 'SELECT call_id, state_json FROM calls WHERE call_id = ANY($1::text[])',
      values: [callIds],
    })
  ).rows) {
    states.set(row.call_id, JSON.parse(row.state_json) as CallState);
  }
  const keyed = jobs.filter((j) => j.key);
  const saved = new Map<string, IdempotencyRecord>();
  if (keyed.length > 0) {
    const rows = await client.query<IdempotencyRow>({
      name: 'cmd-2',
      text: `SELECT k.scope, k.key, k.request_hash, k.created, k.response_body, k.created_at
       FROM idempotency_keys AS k
       JOIN unnest($1::text[], $2::text[]) AS w(scope, key) ON k.scope = w.scope AND k.key = w.key`,
      values: [keyed.map((j) => j.key!.scope), keyed.map((j) => j.key!.key)],
    });
    for (const row of rows.rows) saved.set(keyOf(row.scope, row.key), idempotencyOf(row));
  }

  // 3. Decide, in arrival order, each on what the previous ones left.
  const settled: Settled[] = [];
  const calls = new Map<string, CallWrite>();
  const events: EngineEvent[] = [];
  const records = new Map<string, IdempotencyRecord>();
  for (const job of jobs) {
    try {
      const mapKey = job.key ? keyOf(job.key.scope, job.key.key) : undefined;
      const outcome = job.decide(
        states.get(job.callId),
        mapKey === undefined ? undefined : saved.get(mapKey),
      );
      checkOutcome(job.callId, outcome);
      if (outcome.state) {
        states.set(job.callId, outcome.state);
        calls.set(job.callId, { state: outcome.state, deadlineAt: outcome.deadlineAt ?? null });
      }
      events.push(...outcome.events);
      if (outcome.idempotency) {
        const r = outcome.idempotency;
        records.set(keyOf(r.scope, r.key), r);
        saved.set(keyOf(r.scope, r.key), r);
      }
      settled.push({ ok: true, value: outcome.result });
    } catch (error) {
      settled.push({ ok: false, error });
    }
  }

  // 4. Write it all.
  const written: Written = { settled, types: [], lastPosition: 0 };
  if (calls.size > 0) await upsertCalls(client, [...calls.values()]);
  if (events.length > 0) {
    await lock(client, [APPEND_LOCK]);
    const { positions, generation } = await insertEvents(client, events);
    await batcher.cache.refreshTo(client, generation);
    await insertOutbox(client, events, positions, batcher.cache);
    written.types = events.map((e) => e.type);
    written.lastPosition = Math.max(...positions);
    await batcher.feed.notifyIn(client, {
      events: { types: [...new Set(written.types)], lastPosition: written.lastPosition },
    });
  }
  if (records.size > 0) await upsertIdempotency(client, [...records.values()]);
  return written;
}

function keyOf(scope: string, key: string): string {
  return `${scope}\u0000${key}`;
}

interface IdempotencyRow {
  scope: string;
  key: string;
  request_hash: string;
  created: boolean;
  response_body: string;
  created_at: number;
}

export function idempotencyOf(row: IdempotencyRow): IdempotencyRecord {
  return {
    scope: row.scope,
    key: row.key,
    requestHash: row.request_hash,
    created: row.created,
    responseBody: row.response_body,
    createdAt: row.created_at,
  };
}

/** A write frees the deadline lease: the writer has dealt with the call's deadline. */
async function upsertCalls(client: pg.ClientBase, writes: readonly CallWrite[]): Promise<void> {
  await client.query({
    name: 'cmd-3',
    text: `INSERT INTO calls (call_id, thread_id, stream_id, status, created_at, ended_at, state_json,
       deadline_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[],
       $6::bigint[], $7::text[], $8::bigint[])
     ON CONFLICT (call_id) DO UPDATE SET
       status = excluded.status, ended_at = excluded.ended_at, state_json = excluded.state_json,
       deadline_at = excluded.deadline_at, deadline_leased_by = NULL,
       deadline_leased_until = NULL`,
    values: [
      writes.map((w) => w.state.callId),
      writes.map((w) => w.state.threadId),
      writes.map((w) => w.state.streamId),
      writes.map((w) => w.state.status),
      writes.map((w) => w.state.createdAt),
      writes.map((w) => w.state.endedAt),
      writes.map((w) => JSON.stringify(w.state)),
      writes.map((w) => w.deadlineAt),
    ],
  });
}

/**
 * Appends in the given order (the sequence is read row by row); returns the positions, and the
 * endpoint generation as of this statement — which runs under the append lock that endpoint
 * writes take, so it is the generation the events must be matched against (one round trip
 * fewer than reading it on its own).
 */
async function insertEvents(
  client: pg.ClientBase,
  events: readonly EngineEvent[],
): Promise<{ positions: number[]; generation: number }> {
  const { rows } = await client.query<{ id: string; position: number; generation: number }>({
    name: 'cmd-4',
    text: `WITH appended AS (
       INSERT INTO events (id, call_id, seq, type, occurred_at, stream_id, thread_id, payload_json)
       SELECT id, call_id, seq, type, occurred_at, stream_id, thread_id, payload_json
       FROM unnest($1::text[], $2::text[], $3::integer[], $4::text[], $5::bigint[], $6::text[],
         $7::text[], $8::text[]) WITH ORDINALITY
         AS e(id, call_id, seq, type, occurred_at, stream_id, thread_id, payload_json, n)
       ORDER BY n
       RETURNING id, position)
     SELECT id, position,
       COALESCE((SELECT generation FROM endpoint_generation), 0) AS generation
     FROM appended`,
    values: [
      events.map((e) => e.id),
      events.map((e) => e.callId),
      events.map((e) => e.seq),
      events.map((e) => e.type),
      events.map((e) => e.occurredAt),
      events.map((e) => e.payload.streamId),
      events.map((e) => e.payload.threadId),
      events.map((e) => JSON.stringify(e.payload)),
    ],
  });
  const byId = new Map(rows.map((r) => [r.id, r.position]));
  return { positions: events.map((e) => byId.get(e.id)!), generation: rows[0]!.generation };
}

/**
 * The transactional outbox: one delivery per matching enabled endpoint, written with the event.
 * A delivery heads its lane (due when the event happened) if the lane has nothing pending, else
 * it waits; its previous seq is the highest of its lane so far. The lanes are locked first, so
 * an outcome on another node cannot move a lane on while this reads it.
 */
async function insertOutbox(
  client: pg.ClientBase,
  events: readonly EngineEvent[],
  positions: readonly number[],
  cache: PgEndpointCache,
): Promise<void> {
  const wanted: { event: EngineEvent; position: number; endpointId: string }[] = [];
  events.forEach((event, i) => {
    const ids = cache.matching({
      type: event.type,
      streamId: event.payload.streamId,
      threadId: event.payload.threadId,
    });
    for (const endpointId of ids) wanted.push({ event, position: positions[i]!, endpointId });
  });
  if (wanted.length === 0) return;
  const lanes = new Map<string, { endpointId: string; callId: string }>();
  for (const w of wanted) {
    lanes.set(laneLock(w.endpointId, w.event.callId), {
      endpointId: w.endpointId,
      callId: w.event.callId,
    });
  }
  await lock(client, lanes.keys());
  const laneList = [...lanes.values()];
  const { rows } = await client.query<{
    endpoint_id: string;
    call_id: string;
    max_seq: number | null;
    pending: boolean;
  }>({
    name: 'cmd-5',
    text: `SELECT l.endpoint_id, l.call_id,
       (SELECT MAX(d.seq) FROM deliveries AS d
        WHERE d.endpoint_id = l.endpoint_id AND d.call_id = l.call_id) AS max_seq,
       EXISTS (SELECT 1 FROM deliveries AS d
        WHERE d.endpoint_id = l.endpoint_id AND d.call_id = l.call_id
          AND d.status = 'pending') AS pending
     FROM unnest($1::text[], $2::text[]) AS l(endpoint_id, call_id)`,
    values: [laneList.map((l) => l.endpointId), laneList.map((l) => l.callId)],
  });
  const state = new Map<string, { maxSeq: number; pending: boolean }>();
  for (const r of rows) {
    state.set(laneLock(r.endpoint_id, r.call_id), { maxSeq: r.max_seq ?? 0, pending: r.pending });
  }
  const ids: string[] = [];
  const previous: number[] = [];
  const due: (number | null)[] = [];
  for (const w of wanted) {
    const lane = state.get(laneLock(w.endpointId, w.event.callId))!;
    ids.push(newDeliveryId(w.event.occurredAt));
    previous.push(lane.maxSeq);
    due.push(lane.pending ? null : w.event.occurredAt);
    lane.maxSeq = Math.max(lane.maxSeq, w.event.seq);
    lane.pending = true;
  }
  await client.query({
    name: 'cmd-6',
    text: `INSERT INTO deliveries (id, endpoint_id, event_id, event_position, call_id, seq,
       previous_seq, event_type, status, attempt_count, next_attempt_at, created_at, updated_at)
     SELECT id, endpoint_id, event_id, event_position, call_id, seq, previous_seq, event_type,
       'pending', 0, next_attempt_at, created_at, created_at
     FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::integer[],
       $7::integer[], $8::text[], $9::bigint[], $10::bigint[]) WITH ORDINALITY
       AS d(id, endpoint_id, event_id, event_position, call_id, seq, previous_seq, event_type,
         next_attempt_at, created_at, n)
     ORDER BY n`,
    values: [
      ids,
      wanted.map((w) => w.endpointId),
      wanted.map((w) => w.event.id),
      wanted.map((w) => w.position),
      wanted.map((w) => w.event.callId),
      wanted.map((w) => w.event.seq),
      previous,
      wanted.map((w) => w.event.type),
      due,
      wanted.map((w) => w.event.occurredAt),
    ],
  });
}

async function upsertIdempotency(
  client: pg.ClientBase,
  records: readonly IdempotencyRecord[],
): Promise<void> {
  await client.query({
    name: 'cmd-7',
    text: `INSERT INTO idempotency_keys (scope, key, request_hash, created, response_body, created_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::text[],
       $6::bigint[])
     ON CONFLICT (scope, key) DO UPDATE SET
       request_hash = excluded.request_hash, created = excluded.created,
       response_body = excluded.response_body, created_at = excluded.created_at`,
    values: [
      records.map((r) => r.scope),
      records.map((r) => r.key),
      records.map((r) => r.requestHash),
      records.map((r) => r.created),
      records.map((r) => r.responseBody),
      records.map((r) => r.createdAt),
    ],
  });
}

function checkOutcome(callId: string, outcome: CommandOutcome<unknown>): void {
  checkCommandOutcome(callId, outcome, (message) => new StoreError('invalid_outcome', message));
}
