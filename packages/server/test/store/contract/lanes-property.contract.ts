import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallEventType } from '@callhook/sdk';
import fc from 'fast-check';
import type { DeliveryStore, DueDelivery } from '../../../src/store/delivery-port.ts';
import type { CallStore } from '../../../src/store/port.ts';
import { dtmf, startCall, T0 } from './call-commands.ts';
import { claim, endpoint, LEASE_MS, outcome } from './delivery-records.ts';
import type { StoreFactory } from './store-factory.ts';

// The lane rule under random interleavings of events, claims by two owners, outcomes and time:
// a claim returns exactly the lanes that may go (each at its lowest pending seq, none with an
// unexpired lease held), and every lane delivers its seqs in increasing order.

type Action =
  | { kind: 'events'; call: number; digits: number }
  | { kind: 'claim'; owner: 'node-a' | 'node-b'; limit: number }
  | { kind: 'settle'; pick: number; result: 'delivered' | 'failed' | 'retry'; delay: number }
  | { kind: 'tick'; ms: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant('events' as const),
    call: fc.nat(2),
    digits: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({
    kind: fc.constant('claim' as const),
    owner: fc.constantFrom('node-a' as const, 'node-b' as const),
    limit: fc.integer({ min: 1, max: 4 }),
  }),
  fc.record({
    kind: fc.constant('settle' as const),
    pick: fc.nat(),
    result: fc.constantFrom('delivered' as const, 'failed' as const, 'retry' as const),
    delay: fc.integer({ min: 1, max: 90_000 }),
  }),
  fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 70_000 }) }),
);

interface LaneModel {
  pending: number[];
  retryAt: number | null;
  inFlight: { delivery: DueDelivery; owner: string; leaseUntil: number } | null;
  delivered: number[];
}

// ep_all takes every event; ep_dtmf only call.dtmf, so its lanes start at seq 2.
const ENDPOINTS: { id: string; eventTypes?: CallEventType[]; takes: (seq: number) => boolean }[] = [
  { id: 'ep_all', takes: () => true },
  { id: 'ep_dtmf', eventTypes: ['call.dtmf'], takes: (seq) => seq > 1 },
];

export function lanesPropertyContract(open: StoreFactory): void {
  test('for any interleaving, claims follow the lane rule and lanes deliver in seq order', async (t) => {
    // One database for all runs: each run has endpoints of its own, deleted at its end, so
    // its lanes are all there is to claim.
    const { calls, deliveries } = await open(t);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 5, maxLength: 40 }), async (actions) => {
        run += 1;
        const ids = ENDPOINTS.map((e) => `${e.id}_${run}`);
        for (const [i, e] of ENDPOINTS.entries()) {
          await deliveries.createEndpoint(
            endpoint(ids[i]!, e.eventTypes ? { eventTypes: e.eventTypes } : {}),
          );
        }
        try {
          await oneRun(calls, deliveries, ids, actions);
        } finally {
          for (const id of ids) await deliveries.deleteEndpoint(id);
        }
      }),
      { numRuns: 50 },
    );
  });
}

async function oneRun(
  calls: CallStore,
  deliveries: DeliveryStore,
  ids: readonly string[],
  actions: readonly Action[],
): Promise<void> {
  const lanes = new Map<string, LaneModel>();
  const laneOf = (endpointId: string, callId: string) => {
    const key = `${endpointId}/${callId}`;
    let lane = lanes.get(key);
    if (!lane) {
      lane = { pending: [], retryAt: null, inFlight: null, delivered: [] };
      lanes.set(key, lane);
    }
    return lane;
  };
  const callIds: string[] = [];
  const append = (callId: string, seqs: number[]) => {
    for (const [i, e] of ENDPOINTS.entries())
      for (const seq of seqs) if (e.takes(seq)) laneOf(ids[i]!, callId).pending.push(seq);
  };
  for (let i = 0; i < 3; i++) {
    const call = await startCall(calls);
    callIds.push(call.state.callId);
    append(call.state.callId, [1]);
  }
  let now = T0;
  // The lease boundary (now === leaseUntil) is not fixed by the port: such lanes may go or not.
  const mayGo = (l: LaneModel) =>
    l.pending.length > 0 &&
    (l.retryAt === null || l.retryAt <= now) &&
    (l.inFlight === null || l.inFlight.leaseUntil <= now);
  const mustGo = (l: LaneModel) => mayGo(l) && (l.inFlight === null || l.inFlight.leaseUntil < now);

  for (const a of actions) {
    if (a.kind === 'tick') now += a.ms;
    else if (a.kind === 'events') {
      const written = await dtmf(calls, callIds[a.call]!, '1'.repeat(a.digits), now);
      append(
        callIds[a.call]!,
        written.events.map((e) => e.seq),
      );
    } else if (a.kind === 'claim') {
      const due = await claim(deliveries, now, a.owner, { limit: a.limit });
      assert.ok(due.length <= a.limit);
      const keys = due.map((d) => `${d.endpointId}/${d.callId}`);
      assert.equal(new Set(keys).size, keys.length, 'one delivery per lane in a claim');
      for (const d of due) {
        const lane = laneOf(d.endpointId, d.callId);
        assert.ok(mayGo(lane), `lane ${d.endpointId}/${d.callId} may not go at ${now - T0}`);
        assert.equal(d.seq, lane.pending[0], 'a lane goes at its lowest pending seq');
        lane.inFlight = { delivery: d, owner: a.owner, leaseUntil: now + LEASE_MS };
      }
      if (due.length < a.limit) {
        for (const [key, lane] of lanes) {
          if (mustGo(lane) && !keys.includes(key))
            assert.fail(`lane ${key} was due at ${now - T0} and not claimed`);
        }
      }
    } else {
      const live = [...lanes.values()].filter((l) => l.inFlight && l.inFlight.leaseUntil > now);
      const lane = live[a.pick % Math.max(live.length, 1)];
      if (!lane?.inFlight) continue;
      const { delivery, owner } = lane.inFlight;
      const retryAt = now + a.delay;
      const next =
        a.result === 'retry' ? { status: 'pending' as const, nextAttemptAt: retryAt } : a.result;
      await deliveries.recordOutcomes([outcome(delivery, next, now, undefined, owner)], now);
      lane.inFlight = null;
      if (a.result === 'retry') lane.retryAt = retryAt;
      else {
        lane.retryAt = null;
        const seq = lane.pending.shift();
        if (a.result === 'delivered' && seq !== undefined) lane.delivered.push(seq);
      }
    }
  }

  // Every node restarts, time runs past every retry: what is left goes, lane by lane in order.
  await deliveries.releaseLeases('node-a', now);
  await deliveries.releaseLeases('node-b', now);
  now += 100_000;
  for (const lane of lanes.values()) lane.inFlight = null;
  for (;;) {
    const due = await claim(deliveries, now);
    if (due.length === 0) break;
    for (const d of due) {
      const lane = laneOf(d.endpointId, d.callId);
      assert.equal(d.seq, lane.pending.shift(), 'a lane goes at its lowest pending seq');
      lane.delivered.push(d.seq);
    }
    await deliveries.recordOutcomes(
      due.map((d) => outcome(d, 'delivered', now)),
      now,
    );
  }
  for (const [key, lane] of lanes) {
    assert.deepEqual(lane.pending, [], `lane ${key} has nothing left`);
    const sorted = [...new Set(lane.delivered)].sort((x, y) => x - y);
    assert.deepEqual(lane.delivered, sorted, `lane ${key} delivered in increasing seq order`);
  }
  assert.equal(await deliveries.nextDueAt(), null);
}
