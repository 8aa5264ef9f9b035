import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeliveryStore, DueDelivery } from '../../../src/store/delivery-port.ts';
import type { CallStore } from '../../../src/store/port.ts';
import { dtmf, startCall, T0 } from './call-commands.ts';
import { claim, endpoint, LEASE_MS, type Next, outcome } from './delivery-records.ts';
import type { StoreFactory } from './store-factory.ts';

// Late outcomes: node-a's lease ran out mid-attempt (it was paused, not dead) and node-b claimed
// the delivery since. node-a's outcome is logged, but only node-b, the lease holder, decides
// the delivery; a late `delivered` settles it, and the lane still waits for node-b's attempt.

/** When node-b takes over: node-a's lease (claimed at T0) has run out. */
const TAKEOVER = T0 + LEASE_MS + 1;

interface TakenOver {
  deliveries: DeliveryStore;
  /** seq 1 as node-a claimed it, and as node-b claimed it after node-a's lease ran out. */
  byA: DueDelivery;
  byB: DueDelivery;
}

/** One lane of ep_a with seqs 1 and 2; seq 1 claimed by node-a at T0, then by node-b. */
async function takenOver(calls: CallStore, deliveries: DeliveryStore): Promise<TakenOver> {
  await deliveries.createEndpoint(endpoint('ep_a'));
  const call = await startCall(calls);
  await dtmf(calls, call.state.callId, '1');
  const [byA] = await claim(deliveries, T0, 'node-a');
  const [byB] = await claim(deliveries, TAKEOVER, 'node-b');
  assert.ok(byA && byB);
  assert.deepEqual([byA.seq, byB.id], [1, byA.id]);
  return { deliveries, byA, byB };
}

function late(byA: DueDelivery, next: Next): Parameters<DeliveryStore['recordOutcomes']>[0] {
  return [outcome(byA, next, T0, undefined, 'node-a')];
}

function holders(byB: DueDelivery, next: Next, at: number) {
  return [outcome(byB, next, at, undefined, 'node-b')];
}

async function attemptsOf(deliveries: DeliveryStore, id: string) {
  const d = await deliveries.getDelivery(id);
  return [d?.status, d?.attempts.map((a) => [a.attempt, a.statusCode])];
}

const seqs = (due: DueDelivery[]) => due.map((d) => d.seq);

export function lateOutcomesContract(open: StoreFactory): void {
  test("taking over a lapsed lease counts the other owner's attempt: the two never share a number", async (t) => {
    const { calls, deliveries } = await open(t);
    const { byA, byB } = await takenOver(calls, deliveries);
    assert.deepEqual([byA.attemptCount, byB.attemptCount], [0, 1]);
  });

  test('a late delivered settles the delivery; the lane waits for the holder, whose outcome moves it on', async (t) => {
    const { calls, deliveries } = await open(t);
    const { byA, byB } = await takenOver(calls, deliveries);
    await deliveries.recordOutcomes(late(byA, 'delivered'), TAKEOVER + 1);
    assert.deepEqual(await attemptsOf(deliveries, byA.id), ['delivered', [[1, 200]]]);

    // node-b's attempt is under way: neither seq 1 nor seq 2 goes to anyone meanwhile.
    assert.deepEqual(await claim(deliveries, TAKEOVER + 2, 'node-c'), []);
    assert.deepEqual(await claim(deliveries, TAKEOVER + 2, 'node-a'), []);

    await deliveries.recordOutcomes(holders(byB, 'delivered', TAKEOVER), TAKEOVER + 10);
    assert.deepEqual(seqs(await claim(deliveries, TAKEOVER + 10, 'node-c')), [2]);
    assert.deepEqual(await attemptsOf(deliveries, byA.id), [
      'delivered',
      [
        [1, 200],
        [2, 200],
      ],
    ]);
  });

  test('a late delivered whose holder never answers: the lane goes on when its lease ends', async (t) => {
    const { calls, deliveries } = await open(t);
    const { byA, byB } = await takenOver(calls, deliveries);
    await deliveries.recordOutcomes(late(byA, 'delivered'), TAKEOVER + 1);
    const leaseEnd = TAKEOVER + LEASE_MS;
    assert.deepEqual(await claim(deliveries, leaseEnd - 1, 'node-c'), []);
    const [next] = await claim(deliveries, leaseEnd + 1, 'node-c');
    assert.equal(next?.seq, 2);

    // node-b answers after all, too late to hold anything: only its attempt is logged.
    await deliveries.recordOutcomes(
      holders(byB, { status: 'pending', nextAttemptAt: leaseEnd + 2 }, TAKEOVER),
      leaseEnd + 2,
    );
    assert.deepEqual(await attemptsOf(deliveries, byA.id), [
      'delivered',
      [
        [1, 200],
        [2, 500],
      ],
    ]);
    assert.deepEqual(await claim(deliveries, leaseEnd + 3, 'node-d'), [], "node-c's lease holds");
  });

  test("a late retry or failure changes nothing: the holder's lease stays, its outcome decides", async (t) => {
    const { calls, deliveries } = await open(t);
    const { byA, byB } = await takenOver(calls, deliveries);
    await deliveries.recordOutcomes(
      late(byA, { status: 'pending', nextAttemptAt: TAKEOVER + 5 }),
      TAKEOVER + 1,
    );
    await deliveries.recordOutcomes(late(byA, 'failed'), TAKEOVER + 2);
    assert.deepEqual(await attemptsOf(deliveries, byA.id), ['pending', [[1, 500]]]);
    assert.deepEqual(await claim(deliveries, TAKEOVER + 5, 'node-c'), [], "node-b's lease holds");

    // node-b's retry time is the one that counts, and the lane goes on at seq 1.
    const retryAt = TAKEOVER + 5_000;
    await deliveries.recordOutcomes(
      holders(byB, { status: 'pending', nextAttemptAt: retryAt }, TAKEOVER),
      TAKEOVER + 10,
    );
    assert.deepEqual(await claim(deliveries, retryAt - 1, 'node-c'), []);
    const [again] = await claim(deliveries, retryAt, 'node-c');
    assert.deepEqual([again?.id, again?.attemptCount], [byA.id, 2]);
  });

  test("once node-b's outcome ended its lease, node-a's late retry still changes nothing", async (t) => {
    const { calls, deliveries } = await open(t);
    const { byA, byB } = await takenOver(calls, deliveries);
    const retryAt = TAKEOVER + 5_000;
    await deliveries.recordOutcomes(
      holders(byB, { status: 'pending', nextAttemptAt: retryAt }, TAKEOVER),
      TAKEOVER + 10,
    );
    // node-a's retry would be due sooner than node-b's: node-b's, the newer, stands.
    await deliveries.recordOutcomes(
      late(byA, { status: 'pending', nextAttemptAt: TAKEOVER + 20 }),
      TAKEOVER + 20,
    );
    assert.deepEqual(await claim(deliveries, TAKEOVER + 20, 'node-c'), []);
    assert.equal(await deliveries.nextDueAt(), retryAt);
    assert.deepEqual(await attemptsOf(deliveries, byA.id), [
      'pending',
      [
        [1, 500],
        [2, 500],
      ],
    ]);
  });

  test("once node-b's outcome ended its lease, node-a's late delivered moves the lane on at once", async (t) => {
    const { calls, deliveries } = await open(t);
    const { byA, byB } = await takenOver(calls, deliveries);
    await deliveries.recordOutcomes(
      holders(byB, { status: 'pending', nextAttemptAt: TAKEOVER + 5_000 }, TAKEOVER),
      TAKEOVER + 10,
    );
    await deliveries.recordOutcomes(late(byA, 'delivered'), TAKEOVER + 20);
    assert.deepEqual(seqs(await claim(deliveries, TAKEOVER + 20, 'node-c')), [2]);
    assert.deepEqual(await attemptsOf(deliveries, byA.id), [
      'delivered',
      [
        [1, 200],
        [2, 500],
      ],
    ]);
  });
}
