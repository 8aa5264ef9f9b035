import type pg from 'pg';
import type { CallState, EngineEvent } from '../../engine/call-state.ts';
import { newDeliveryId } from '../delivery-rows.ts';
import type { CommandOutcome, IdempotencyRecord } from '../port.ts';
import { checkCommandOutcome } from '../port-checks.ts';
import { StoreError } from '../store-error.ts';
import type { PgChangeFeed } from './pg-change-feed.ts';
import { inTransaction } from './pg-connection.ts';
import type { PgEndpointCache } from './pg-endpoint-cache.ts';
import { callLock, idempotencyLock, laneLock } from './pg-locks.ts';

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
  // 1. Serialise with every other node's commands on the same calls and keys, and read what
  //    the commands decide on (one call: pg-migrations.ts v7, callhook_batch_read).
  const names = new Set<string>();
  for (const job of jobs) {
    names.add(callLock(job.callId));
    if (job.key) names.add(idempotencyLock(job.key.scope, job.key.key));
  }
  const callIds = [...new Set(jobs.map((j) => j.callId))];
  const keyed = jobs.filter((j) => j.key);
  const read = await client.query<{ r: BatchRead }>({
    name: 'cmd-r',
    text: 'SELECT callhook_batch_read($1::text[], $2::text[], $3::text[], $4::text[]) AS r',
    values: [
      [...names].sort(),
      callIds,
      keyed.map((j) => j.key!.scope),
      keyed.map((j) => j.key!.key),
    ],
  });
  const states = new Map<string, CallState>();
  for (const [callId, state] of read.rows[0]!.r.calls ?? []) {
    states.set(callId, JSON.parse(state) as CallState);
  }
  const saved = new Map<string, IdempotencyRecord>();
  for (const row of read.rows[0]!.r.keys ?? []) {
    saved.set(keyOf(row.scope, row.key), idempotencyOf(row));
  }

  // 2. Decide, in arrival order, each on what the previous ones left.
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

  // 3. Write it all (one call, callhook_batch_write). The outbox is matched against the
  //    endpoints as this node knows them; if they changed meanwhile, the function writes
  //    nothing and says so, and the batch is matched again, under the append lock it now holds.
  const written: Written = { settled, types: events.map((e) => e.type), lastPosition: 0 };
  if (calls.size === 0 && events.length === 0 && records.size === 0) return written;
  const values = writeValues([...calls.values()], events, [...records.values()], batcher);
  for (;;) {
    const outbox = outboxOf(events, batcher.cache);
    const result = await client.query<{ r: BatchWrite }>({
      name: 'cmd-w',
      text: `SELECT callhook_batch_write($1, $2::text[], $3::text[], $4::text[], $5::text[],
         $6::bigint[], $7::bigint[], $8::text[], $9::bigint[], $10::text[], $11::text[],
         $12::integer[], $13::text[], $14::bigint[], $15::text[], $16::text[], $17::text[],
         $18::integer[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[],
         $24::text[], $25::boolean[], $26::text[], $27::bigint[], $28, $29, $30::text[]) AS r`,
      values: [
        batcher.cache.generationRead,
        ...values.calls,
        ...values.events,
        ...outbox,
        ...values.rest,
      ],
    });
    const r = result.rows[0]!.r;
    if (r.positions !== undefined) {
      if (events.length > 0) written.lastPosition = Math.max(...(r.positions ?? []));
      return written;
    }
    await batcher.cache.refreshTo(client, r.generation!);
  }
}

interface BatchRead {
  calls: [string, string][] | null;
  keys: IdempotencyRow[] | null;
}

/** What callhook_batch_write returns: the events' positions, or the generation to match. */
interface BatchWrite {
  positions?: number[] | null;
  generation?: number;
}

/** callhook_batch_write's parameters but the generation and the outbox, in its order. */
function writeValues(
  calls: readonly CallWrite[],
  events: readonly EngineEvent[],
  records: readonly IdempotencyRecord[],
  batcher: PgCommandBatcher,
) {
  const wire = batcher.feed.wire;
  return {
    calls: [
      calls.map((w) => w.state.callId),
      calls.map((w) => w.state.threadId),
      calls.map((w) => w.state.streamId),
      calls.map((w) => w.state.status),
      calls.map((w) => w.state.createdAt),
      calls.map((w) => w.state.endedAt),
      calls.map((w) => JSON.stringify(w.state)),
      calls.map((w) => w.deadlineAt),
    ],
    events: [
      events.map((e) => e.id),
      events.map((e) => e.callId),
      events.map((e) => e.seq),
      events.map((e) => e.type),
      events.map((e) => e.occurredAt),
      events.map((e) => e.payload.streamId),
      events.map((e) => e.payload.threadId),
      events.map((e) => JSON.stringify(e.payload)),
    ],
    rest: [
      records.map((r) => r.scope),
      records.map((r) => r.key),
      records.map((r) => r.requestHash),
      records.map((r) => r.created),
      records.map((r) => r.responseBody),
      records.map((r) => r.createdAt),
      wire.channel,
      wire.from,
      [...new Set(events.map((e) => e.type))],
    ],
  };
}

/**
 * The transactional outbox: one delivery per matching enabled endpoint, written with the event
 * (its place in its lane is decided by callhook_batch_write, under the lane's lock). As
 * callhook_batch_write's parameters: each delivery's event (1-based), endpoint and id, and the
 * lanes' lock names, sorted.
 */
function outboxOf(events: readonly EngineEvent[], cache: PgEndpointCache) {
  const eventOf: number[] = [];
  const endpoints: string[] = [];
  const ids: string[] = [];
  const lanes = new Set<string>();
  events.forEach((event, i) => {
    const matched = cache.matching({
      type: event.type,
      streamId: event.payload.streamId,
      threadId: event.payload.threadId,
    });
    for (const endpointId of matched) {
      eventOf.push(i + 1);
      endpoints.push(endpointId);
      ids.push(newDeliveryId(event.occurredAt));
      lanes.add(laneLock(endpointId, event.callId));
    }
  });
  return [eventOf, endpoints, ids, [...lanes].sort()];
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

function checkOutcome(callId: string, outcome: CommandOutcome<unknown>): void {
  checkCommandOutcome(callId, outcome, (message) => new StoreError('invalid_outcome', message));
}
