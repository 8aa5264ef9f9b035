import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dtmf, startCall, T0 } from './call-commands.ts';
import { claim, deliveriesOf, endpoint, LEASE_MS, outcome, SECRET } from './delivery-records.ts';
import type { StoreFactory } from './store-factory.ts';

// Attempt outcomes that arrive late, twice, or for a lane whose endpoint changed meanwhile.

export function outcomesContract(open: StoreFactory): void {
  test('an outcome for a delivery deleted meanwhile is dropped', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    await deliveries.createEndpoint(endpoint('ep_b'));
    await startCall(calls);
    const due = await claim(deliveries, T0);
    await deliveries.deleteEndpoint('ep_a');
    await deliveries.recordOutcomes(
      due.map((d) => outcome(d, 'delivered')),
      T0 + 1,
    );
    assert.deepEqual(
      (await deliveriesOf(deliveries, 'ep_b')).map((d) => [d.status, d.attempts.length]),
      [['delivered', 1]],
    );
  });

  test('a late outcome for a settled delivery adds only its attempt, if new', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    const call = await startCall(calls);
    await dtmf(calls, call.state.callId, '1');
    const [stale] = await claim(deliveries, T0, 'node-a');
    const [taken] = await claim(deliveries, T0 + LEASE_MS + 1, 'node-b'); // node-a's lease ran out
    await deliveries.recordOutcomes(
      [outcome(taken!, 'delivered', T0 + LEASE_MS + 1, undefined, 'node-b')],
      T0 + LEASE_MS + 2,
    );
    // node-a's outcome arrives: its attempt is logged, and delivered stays delivered.
    await deliveries.recordOutcomes([outcome(stale!, 'failed', T0)], T0 + LEASE_MS + 3);
    const first = await deliveries.getDelivery(stale!.id);
    assert.deepEqual(
      [first?.status, first?.attempts.map((a) => [a.attempt, a.statusCode])],
      [
        'delivered',
        [
          [1, 500],
          [2, 200],
        ],
      ],
    );
    // The same outcome written again (a second write of one attempt) adds nothing.
    await deliveries.recordOutcomes([outcome(stale!, 'delivered', T0)], T0 + LEASE_MS + 4);
    const after = await deliveries.getDelivery(stale!.id);
    assert.deepEqual([after?.status, after?.attempts.map((a) => a.attempt)], ['delivered', [1, 2]]);
    // The lane moved on once, to seq 2, and only once.
    const next = await claim(deliveries, T0 + LEASE_MS + 5, 'node-c');
    assert.deepEqual(
      next.map((d) => d.seq),
      [2],
    );
  });

  test('a head in flight when its endpoint is disabled and enabled again stays the only one in flight', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    const call = await startCall(calls);
    await dtmf(calls, call.state.callId, '1');
    const [head] = await claim(deliveries, T0);
    const record = (await deliveries.getEndpoint('ep_a'))!;
    const off = { ...record, enabled: false, disabledReason: 'manual' as const, updatedAt: T0 + 1 };
    await deliveries.updateEndpoint(off);
    await deliveries.updateEndpoint({
      ...off,
      enabled: true,
      disabledReason: null,
      disabledAfterPosition: null,
      updatedAt: T0 + 2,
    });
    assert.deepEqual(await claim(deliveries, T0 + 3, 'node-b'), [], 'seq 1 is still in flight');
    await deliveries.recordOutcomes([outcome(head!, 'delivered')], T0 + 4);
    assert.deepEqual(
      (await claim(deliveries, T0 + 4, 'node-b')).map((d) => d.seq),
      [2],
    );
  });

  test('an outcome for a parked lane waits for the endpoint to be enabled', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    const call = await startCall(calls);
    await dtmf(calls, call.state.callId, '1');
    const [head] = await claim(deliveries, T0);
    const record = (await deliveries.getEndpoint('ep_a'))!;
    const off = { ...record, enabled: false, disabledReason: 'manual' as const, updatedAt: T0 + 1 };
    await deliveries.updateEndpoint(off);
    await deliveries.recordOutcomes(
      [outcome(head!, { status: 'pending', nextAttemptAt: T0 + 10 })],
      T0 + 2,
    );
    assert.deepEqual(await claim(deliveries, T0 + 20), []);
    assert.equal(await deliveries.nextDueAt(), null);
    await deliveries.updateEndpoint({
      ...off,
      enabled: true,
      disabledReason: null,
      disabledAfterPosition: null,
      updatedAt: T0 + 30,
    });
    const [again] = await claim(deliveries, T0 + 30);
    assert.deepEqual([again?.id, again?.attemptCount], [head!.id, 1]);
  });

  test('a claim carries the live secrets only, newest first', async (t) => {
    const { calls, deliveries } = await open(t);
    const rotated = 'whsec_cm90YXRlZC1zZWNyZXQtcm90YXRlZC1zZWNyZXQ=';
    const expired = 'whsec_ZXhwaXJlZC1zZWNyZXQtZXhwaXJlZC1zZWNyZXQ=';
    await deliveries.createEndpoint(
      endpoint('ep_a', {
        secrets: [
          { secret: rotated, createdAt: T0, expiresAt: null },
          { secret: SECRET, createdAt: T0 - 10, expiresAt: T0 + 1_000 },
          { secret: expired, createdAt: T0 - 20, expiresAt: T0 - 5 },
        ],
      }),
    );
    await startCall(calls);
    const [due] = await claim(deliveries, T0);
    assert.deepEqual(due?.secrets, [rotated, SECRET]);
  });

  test('retrying a pending head that waits for its retry time makes it due now', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    await startCall(calls);
    const [head] = await claim(deliveries, T0);
    await deliveries.recordOutcomes(
      [outcome(head!, { status: 'pending', nextAttemptAt: T0 + 3_600_000 })],
      T0 + 1,
    );
    const retried = await deliveries.retryDelivery(head!.id, T0 + 2);
    assert.deepEqual([retried?.status, retried?.nextAttemptAt], ['pending', T0 + 2]);
    assert.deepEqual(
      (await claim(deliveries, T0 + 2)).map((d) => d.id),
      [head!.id],
    );
  });
}
