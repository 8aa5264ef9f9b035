import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import type { CallState } from '../../src/engine/call-state.ts';
import type { AttemptOutcome, DueDelivery, EndpointRecord } from '../../src/store/delivery-port.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.ts';
import { endpoint, outcome, T0 } from './fixtures/delivery-fixture.ts';
import { createCall, sendDigits } from './fixtures/fabricated-calls.ts';
import { tempDir } from './fixtures/temp-store.ts';

// Random interleavings of events on a few calls and endpoints, claims (with leases, limits and
// excluded endpoints), outcomes, clock moves, crashes and endpoint toggles, checked against
// the contract (§4): per (endpoint, call), deliveries are claimed in seq order, a lane moves
// on only after its head was delivered or given up, nothing is claimed twice while leased, and
// in the end everything is delivered.

const LEASE_MS = 1_000;
const ENDPOINTS: EndpointRecord[] = [
  endpoint('ep_all'),
  endpoint('ep_dtmf', { eventTypes: ['call.dtmf'] }),
  endpoint('ep_s1', { filter: { streamId: 's1' } }),
];
const CALLS = 3;

type Result = 'delivered' | 'failed' | 'retry';
type Step =
  | { kind: 'append'; call: number; digits: number }
  | { kind: 'claim'; limit: number; exclude: number[] }
  | { kind: 'outcomes'; picks: { pick: number; result: Result; delay: number }[] }
  | { kind: 'advance'; ms: number }
  | { kind: 'crash' }
  | { kind: 'toggle'; endpoint: number }
  | { kind: 'retry'; pick: number }
  | { kind: 'replay'; endpoint: number; back: number };

const result = fc.constantFrom<Result>('delivered', 'failed', 'retry');
// Weighted towards claims and outcomes: the interesting cases are lanes with work in flight.
const baseSteps = [
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      call: fc.nat(CALLS - 1),
      digits: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('claim' as const),
      limit: fc.integer({ min: 1, max: 6 }),
      exclude: fc.subarray([0, 1, 2]),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('outcomes' as const),
      picks: fc.array(fc.record({ pick: fc.nat(), result, delay: fc.nat(2_000) }), {
        minLength: 1,
        maxLength: 3,
      }),
    }),
  },
  // Mostly shorter than a lease, so that claims meet deliveries still in flight.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.nat(1_500) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'crash' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('toggle' as const), endpoint: fc.nat(2) }),
  },
];
const manualSteps = [
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('retry' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('replay' as const),
      endpoint: fc.nat(2),
      back: fc.nat(5_000),
    }),
  },
];

interface Held {
  delivery: DueDelivery;
  leaseUntil: number;
}

/** Drives one store through the steps, checking what the dispatcher could observe. */
class Run {
  store: SqliteStore;
  now = T0;
  calls: (CallState | undefined)[] = Array.from({ length: CALLS }, () => undefined);
  enabled = ENDPOINTS.map(() => true);
  /** Claimed, outcome not yet written (the dispatcher's `held`). */
  held = new Map<string, Held>();
  /** Per lane, the distinct deliveries claimed, in claim order. */
  claimedSeqs = new Map<string, { id: string; seq: number }[]>();
  /** Deliveries given a final outcome. */
  done = new Set<string>();
  constructor(
    private readonly path: string,
    private readonly strictOrder: boolean,
  ) {
    this.store = openSqliteStore({ path });
  }

  async setup() {
    for (const ep of ENDPOINTS) await this.store.deliveries.createEndpoint(ep);
  }

  async step(step: Step) {
    const d = this.store.deliveries;
    switch (step.kind) {
      case 'append': {
        const current = this.calls[step.call];
        const change = current
          ? sendDigits(current, '123'.slice(0, step.digits), this.now)
          : createCall({ at: this.now, streamId: step.call % 2 === 0 ? 's1' : 's2' });
        await this.store.runCommand(change.state.callId, () => ({ ...change, result: null }));
        this.calls[step.call] = change.state;
        break;
      }
      case 'claim': {
        const exclude = step.exclude.map((i) => ENDPOINTS[i]!.id);
        const leaseUntil = this.now + LEASE_MS;
        const claimed = await d.claimDue(this.now, step.limit, leaseUntil, exclude);
        assert.ok(claimed.length <= step.limit);
        for (const due of claimed) this.checkClaim(due, exclude);
        for (const due of claimed) this.held.set(due.id, { delivery: due, leaseUntil });
        break;
      }
      case 'outcomes': {
        const ids = [...this.held.keys()];
        if (ids.length === 0) break;
        const batch = new Map<string, AttemptOutcome>();
        for (const { pick, result: r, delay } of step.picks) {
          const held = this.held.get(ids[pick % ids.length]!)!;
          const next =
            r === 'retry' ? { status: 'pending' as const, nextAttemptAt: this.now + delay } : r;
          batch.set(held.delivery.id, outcome(held.delivery, next, this.now));
        }
        await d.recordOutcomes([...batch.values()], this.now);
        for (const [id, o] of batch) {
          this.held.delete(id);
          if (o.next.status !== 'pending') this.done.add(id);
        }
        break;
      }
      case 'advance':
        this.now += step.ms;
        break;
      case 'crash':
        // The dispatcher dies with its claims; the next one starts by releasing leases.
        this.store.closeSync();
        this.store = openSqliteStore({ path: this.path });
        this.held.clear();
        await this.store.deliveries.releaseLeases(this.now);
        break;
      case 'toggle': {
        const i = step.endpoint;
        this.enabled[i] = !this.enabled[i];
        await this.setEnabled(i, this.enabled[i]!);
        break;
      }
      case 'retry': {
        const failed = this.store.db
          .prepare(
            "SELECT id, endpoint_id || '/' || call_id AS lane FROM deliveries WHERE status = 'failed' ORDER BY rowid",
          )
          .all() as { id: string; lane: string }[];
        // Preferably one whose lane has an attempt in flight: the case a retry must not break.
        const busy = new Set(
          [...this.held.values()].map((h) => `${h.delivery.endpointId}/${h.delivery.callId}`),
        );
        const inBusyLane = failed.filter((f) => busy.has(f.lane));
        const choices = inBusyLane.length > 0 ? inBusyLane : failed;
        const id = choices[step.pick % Math.max(1, choices.length)]?.id;
        if (id) await d.retryDelivery(id, this.now);
        if (id) this.done.delete(id);
        break;
      }
      case 'replay':
        await d.replay(ENDPOINTS[step.endpoint]!.id, this.now - step.back, this.now, this.now);
        break;
    }
    this.checkLanes();
  }

  async setEnabled(i: number, enabled: boolean) {
    const ep = (await this.store.deliveries.getEndpoint(ENDPOINTS[i]!.id))!;
    await this.store.deliveries.updateEndpoint({
      ...ep,
      enabled,
      disabledReason: enabled ? null : 'manual',
      updatedAt: this.now,
    });
  }

  checkClaim(due: DueDelivery, exclude: string[]) {
    const held = this.held.get(due.id);
    assert.ok(!held || held.leaseUntil <= this.now, `${due.id} claimed again while leased`);
    assert.ok(!exclude.includes(due.endpointId), 'an excluded endpoint was claimed');
    assert.ok(this.enabled[ENDPOINTS.findIndex((e) => e.id === due.endpointId)], 'disabled');
    assert.ok(due.nextAttemptAt !== null && due.nextAttemptAt <= this.now, 'not due');
    const key = `${due.endpointId}/${due.callId}`;
    // One attempt per lane at a time: no other delivery of the lane is in flight.
    for (const other of this.held.values()) {
      const same = `${other.delivery.endpointId}/${other.delivery.callId}` === key;
      assert.ok(
        !same || other.delivery.id === due.id || other.leaseUntil <= this.now,
        'two in flight',
      );
    }
    const seqs = this.claimedSeqs.get(key) ?? [];
    const last = seqs[seqs.length - 1];
    if (last?.id !== due.id) {
      if (this.strictOrder && last) {
        assert.ok(due.seq > last.seq, `lane ${key}: seq ${due.seq} claimed after ${last.seq}`);
        assert.ok(this.done.has(last.id), `lane ${key} moved on before seq ${last.seq} was done`);
      }
      seqs.push({ id: due.id, seq: due.seq });
      this.claimedSeqs.set(key, seqs);
    }
  }

  /** Enabled lanes with pending deliveries have one head; disabled ones are parked. */
  checkLanes() {
    const lanes = this.store.db
      .prepare(
        `SELECT d.endpoint_id AS endpointId, e.enabled, COUNT(d.next_attempt_at) AS heads,
           MIN(d.seq) AS lowest,
           MIN(CASE WHEN d.next_attempt_at IS NOT NULL THEN d.seq END) AS headSeq
         FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id
         WHERE d.status = 'pending' GROUP BY d.endpoint_id, d.call_id`,
      )
      .all() as {
      endpointId: string;
      enabled: number;
      heads: number;
      lowest: number;
      headSeq: number;
    }[];
    for (const lane of lanes) {
      if (lane.enabled === 1) {
        assert.equal(lane.heads, 1, `lane of ${lane.endpointId} has ${lane.heads} heads`);
        if (this.strictOrder) assert.equal(lane.headSeq, lane.lowest, 'the head is the lowest seq');
      } else {
        assert.equal(lane.heads, 0, `a lane of disabled ${lane.endpointId} has a head`);
      }
    }
  }

  /** Everything enabled, time far ahead, every attempt succeeds: every delivery gets delivered. */
  async drain() {
    for (let i = 0; i < ENDPOINTS.length; i++) if (!this.enabled[i]) await this.setEnabled(i, true);
    this.enabled = ENDPOINTS.map(() => true);
    this.now += 10 * LEASE_MS + 10_000;
    for (let rounds = 0; ; rounds++) {
      assert.ok(rounds < 500, 'drain does not end');
      await this.step({ kind: 'claim', limit: 100, exclude: [] });
      const ids = [...this.held.keys()];
      if (ids.length === 0) break;
      await this.store.deliveries.recordOutcomes(
        ids.map((id) => outcome(this.held.get(id)!.delivery, 'delivered', this.now)),
        this.now,
      );
      for (const id of ids) {
        this.held.delete(id);
        this.done.add(id);
      }
      this.now += 1;
    }
    const pending = this.store.db
      .prepare("SELECT COUNT(*) FROM deliveries WHERE status = 'pending'")
      .pluck()
      .get();
    assert.equal(pending, 0, 'something was never delivered');
    assert.equal(await this.store.deliveries.nextDueAt(), null);
    if (this.strictOrder) this.checkEveryEventClaimedInOrder();
  }

  /** Each lane was sent every seq its endpoint subscribes to, once, in order. */
  checkEveryEventClaimedInOrder() {
    const rows = this.store.db
      .prepare(
        'SELECT endpoint_id, call_id, seq FROM deliveries ORDER BY endpoint_id, call_id, seq',
      )
      .all() as { endpoint_id: string; call_id: string; seq: number }[];
    const expected = new Map<string, number[]>();
    for (const r of rows) {
      const key = `${r.endpoint_id}/${r.call_id}`;
      expected.set(key, [...(expected.get(key) ?? []), r.seq]);
    }
    const claimed = new Map([...this.claimedSeqs].map(([k, v]) => [k, v.map((x) => x.seq)]));
    assert.deepEqual(claimed, expected);
  }

  close() {
    this.store.closeSync();
  }
}

async function play(path: string, steps: Step[], strictOrder: boolean) {
  const run = new Run(path, strictOrder);
  try {
    await run.setup();
    for (const step of steps) await run.step(step);
    await run.drain();
  } finally {
    run.close();
  }
}

test('claims per (endpoint, call) are in seq order, one at a time, never twice while leased', async (t) => {
  const dir = tempDir(t);
  let n = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof(...baseSteps), { minLength: 10, maxLength: 40, size: 'max' }),
      (steps) => play(join(dir, `run-${n++}.db`), steps, true),
    ),
    { numRuns: 60 },
  );
});

test('with manual retries and replays too, a lane has one head and one attempt at a time', async (t) => {
  const dir = tempDir(t);
  let n = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof(...baseSteps, ...manualSteps), {
        minLength: 10,
        maxLength: 40,
        size: 'max',
      }),
      (steps) => play(join(dir, `run-${n++}.db`), steps, false),
    ),
    { numRuns: 120 },
  );
});
