import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallhookError } from '../../../src/errors.ts';
import { dtmf, startCall, T0 } from './call-commands.ts';
import { claim, deliveriesOf, drain, endpoint, outcome } from './delivery-records.ts';
import type { StoreFactory } from './store-factory.ts';

// The operator's two ways to send again: retry one delivery, replay an endpoint's time range.

const code = (expected: string) => (error: unknown) =>
  error instanceof CallhookError && error.code === expected;

export function retryReplayContract(open: StoreFactory): void {
  test('retrying an unknown delivery gives undefined; a delivered one is a conflict', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    await startCall(calls);
    assert.equal(await deliveries.retryDelivery('no-such-delivery', T0), undefined);
    const [head] = await claim(deliveries, T0);
    await deliveries.recordOutcomes([outcome(head!, 'delivered')], T0);
    await assert.rejects(deliveries.retryDelivery(head!.id, T0 + 1), code('conflict'));
  });

  test('a failed delivery retried in an idle lane is pending and due now', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    await startCall(calls);
    const [head] = await claim(deliveries, T0);
    await deliveries.recordOutcomes([outcome(head!, 'failed')], T0 + 1);
    const retried = await deliveries.retryDelivery(head!.id, T0 + 100);
    assert.deepEqual(
      [retried?.status, retried?.nextAttemptAt, retried?.attemptCount],
      ['pending', T0 + 100, 1],
    );
    const [again] = await claim(deliveries, T0 + 100);
    assert.deepEqual([again?.id, again?.attemptCount], [head!.id, 1]);
  });

  test("a retried lower seq takes the lane's head; the old head waits behind it", async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    const call = await startCall(calls);
    await dtmf(calls, call.state.callId, '12');
    const [first] = await claim(deliveries, T0);
    await deliveries.recordOutcomes([outcome(first!, 'failed')], T0 + 1); // seq 2 heads the lane
    await deliveries.retryDelivery(first!.id, T0 + 2);
    const sent = await drain(deliveries, T0 + 3);
    assert.deepEqual(
      sent.map(([, seq]) => seq),
      [1, 2, 3],
    );
  });

  test('a retried lower seq waits while the head is in flight, and goes next', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    const call = await startCall(calls);
    await dtmf(calls, call.state.callId, '12');
    const [first] = await claim(deliveries, T0);
    await deliveries.recordOutcomes([outcome(first!, 'failed')], T0 + 1);
    const [second] = await claim(deliveries, T0 + 1); // seq 2 in flight
    assert.equal(second?.seq, 2);
    await deliveries.retryDelivery(first!.id, T0 + 2);
    assert.deepEqual(
      await claim(deliveries, T0 + 2, 'node-b'),
      [],
      'one attempt in flight per lane',
    );
    await deliveries.recordOutcomes([outcome(second!, 'delivered')], T0 + 3);
    const sent = await drain(deliveries, T0 + 3);
    assert.deepEqual(
      sent.map(([, seq]) => seq),
      [1, 3],
    );
  });

  test('replay queues new deliveries of the subscribed events in [since, until], sent in seq order', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(
      endpoint('ep_a', { eventTypes: ['call.created', 'call.dtmf'] }),
    );
    const x = (await startCall(calls, { at: T0 })).state.callId;
    const y = (await startCall(calls, { at: T0 })).state.callId;
    await dtmf(calls, x, '1', T0 + 1_000);
    await dtmf(calls, y, '2', T0 + 1_500);
    await dtmf(calls, x, '3', T0 + 2_000);
    await dtmf(calls, x, '4', T0 + 3_000);
    await drain(deliveries, T0 + 3_000);
    const before = await deliveriesOf(deliveries, 'ep_a');

    const count = await deliveries.replay('ep_a', T0 + 1_000, T0 + 2_000, T0 + 4_000);
    assert.equal(count, 3);
    const after = await deliveriesOf(deliveries, 'ep_a');
    const fresh = after.filter((d) => !before.some((b) => b.id === d.id));
    assert.deepEqual(
      fresh.map((d) => [d.callId, d.seq, d.status]),
      [
        [x, 2, 'pending'],
        [x, 3, 'pending'],
        [y, 2, 'pending'],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0])) || Number(a[1]) - Number(b[1])),
    );
    for (const d of fresh) {
      assert.equal(
        d.eventId,
        before.find((b) => b.callId === d.callId && b.seq === d.seq)?.eventId,
      );
    }
    const sent = await drain(deliveries, T0 + 4_000);
    assert.deepEqual(
      sent.filter(([c]) => c === x).map(([, s]) => s),
      [2, 3],
    );
    assert.deepEqual(
      sent.filter(([c]) => c === y).map(([, s]) => s),
      [2],
    );
  });

  test("a replayed delivery's previousSeq is the call's previous event the endpoint subscribes to", async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_all'));
    await deliveries.createEndpoint(endpoint('ep_dtmf', { eventTypes: ['call.dtmf'] }));
    const call = await startCall(calls, { at: T0 });
    for (const [i, digit] of ['1', '2', '3'].entries()) {
      await dtmf(calls, call.state.callId, digit, T0 + 1_000 * (i + 1));
    }
    await drain(deliveries, T0 + 3_000);
    await deliveries.replay('ep_all', T0 + 2_000, T0 + 3_000, T0 + 4_000);
    await deliveries.replay('ep_dtmf', T0, T0 + 2_000, T0 + 4_000);
    const replayed = async (id: string) =>
      (await deliveriesOf(deliveries, id))
        .filter((d) => d.status === 'pending')
        .map((d) => [d.seq, d.previousSeq]);
    assert.deepEqual(await replayed('ep_all'), [
      [3, 2],
      [4, 3],
    ]);
    assert.deepEqual(await replayed('ep_dtmf'), [
      [2, 0],
      [3, 2],
    ]);
  });

  test('replay skips the events the endpoint does not subscribe to', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a', { eventTypes: ['call.dtmf'] }));
    await deliveries.createEndpoint(endpoint('ep_b', { filter: { threadId: 'elsewhere' } }));
    const call = await startCall(calls);
    await dtmf(calls, call.state.callId, '12');
    assert.equal(await deliveries.replay('ep_a', T0, T0, T0 + 1), 2);
    assert.equal(await deliveries.replay('ep_b', T0, T0, T0 + 1), 0);
    assert.deepEqual(await deliveriesOf(deliveries, 'ep_b'), []);
  });

  test('replay refuses an unknown endpoint and a range that ends before it starts', async (t) => {
    const { deliveries } = await open(t);
    await assert.rejects(deliveries.replay('no-such-endpoint', T0, T0 + 1, T0), code('not_found'));
    await deliveries.createEndpoint(endpoint('ep_a'));
    await assert.rejects(deliveries.replay('ep_a', T0 + 1, T0, T0), code('validation_error'));
    assert.equal(await deliveries.replay('ep_a', T0, T0 + 1, T0), 0);
  });
}
