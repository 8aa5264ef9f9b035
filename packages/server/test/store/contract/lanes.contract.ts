import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allEvents, dtmf, startCall, T0 } from './call-commands.ts';
import { claim, drain, endpoint, lanesOf, outcome, SECRET } from './delivery-records.ts';
import type { StoreFactory } from './store-factory.ts';

// Lanes: per (endpoint, call) only the lowest pending seq is claimable (docs/contract.md §4 order).

export function lanesContract(open: StoreFactory): void {
  test("only a lane's lowest pending seq is claimable", async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    const call = await startCall(calls);
    await dtmf(calls, call.state.callId, '123');
    const due = await claim(deliveries, T0);
    assert.deepEqual(lanesOf(due), [`ep_a/${call.state.callId}#1`]);
    assert.deepEqual(await claim(deliveries, T0 + 1, 'node-b'), []);
  });

  test('a claimed delivery carries what it takes to send it', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    const call = await startCall(calls);
    const [due] = await claim(deliveries, T0);
    const [event] = await allEvents(calls);
    assert.ok(due && event);
    assert.equal(due.url, 'https://hooks.example.com/ep_a');
    assert.deepEqual(due.secrets, [SECRET]);
    assert.deepEqual(JSON.parse(due.body), event.payload);
    assert.deepEqual(
      [due.eventId, due.callId, due.seq, due.previousSeq],
      [event.id, call.state.callId, 1, 0],
    );
  });

  test('a delivered or failed head moves the lane on; its attempts are kept', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    const call = await startCall(calls);
    await dtmf(calls, call.state.callId, '12');
    const [first] = await claim(deliveries, T0);
    await deliveries.recordOutcomes([outcome(first!, 'delivered', T0)], T0 + 1);
    const [second] = await claim(deliveries, T0 + 1);
    assert.equal(second?.seq, 2);
    await deliveries.recordOutcomes([outcome(second!, 'failed', T0 + 1)], T0 + 2);
    const [third] = await claim(deliveries, T0 + 2);
    assert.equal(third?.seq, 3);

    const done = await deliveries.getDelivery(first!.id);
    assert.deepEqual(
      [
        done?.status,
        done?.attemptCount,
        done?.nextAttemptAt,
        done?.attempts.map((a) => a.statusCode),
      ],
      ['delivered', 1, null, [200]],
    );
    const given = await deliveries.getDelivery(second!.id);
    assert.deepEqual(
      [given?.status, given?.attemptCount, given?.attempts[0]],
      ['failed', 1, outcome(second!, 'failed', T0 + 1).attempt],
    );
  });

  test('a retry keeps the lane blocked until it is due, then the same delivery goes again', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    const call = await startCall(calls);
    await dtmf(calls, call.state.callId, '1');
    const [first] = await claim(deliveries, T0);
    const retryAt = T0 + 5_000;
    await deliveries.recordOutcomes(
      [outcome(first!, { status: 'pending', nextAttemptAt: retryAt })],
      T0 + 1,
    );
    const waiting = await deliveries.getDelivery(first!.id);
    assert.deepEqual(
      [waiting?.status, waiting?.nextAttemptAt, waiting?.attemptCount],
      ['pending', retryAt, 1],
    );
    assert.equal(await deliveries.nextDueAt(), retryAt);
    assert.deepEqual(await claim(deliveries, retryAt - 1), []);
    const [again] = await claim(deliveries, retryAt);
    assert.deepEqual([again?.id, again?.seq, again?.attemptCount], [first!.id, 1, 1]);
  });

  test('a blocked lane blocks neither the other calls nor the other endpoints', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    await deliveries.createEndpoint(endpoint('ep_b'));
    const x = (await startCall(calls)).state.callId;
    const y = (await startCall(calls)).state.callId;
    await dtmf(calls, x, '12');
    await dtmf(calls, y, '3');
    const heads = await claim(deliveries, T0);
    assert.deepEqual(
      lanesOf(heads),
      [`ep_a/${x}#1`, `ep_a/${y}#1`, `ep_b/${x}#1`, `ep_b/${y}#1`].sort(),
    );
    const blocked = heads.find((d) => d.endpointId === 'ep_a' && d.callId === x)!;
    await deliveries.recordOutcomes(
      heads.map((d) =>
        outcome(d, d === blocked ? { status: 'pending', nextAttemptAt: T0 + 60_000 } : 'delivered'),
      ),
      T0 + 1,
    );
    assert.deepEqual(
      lanesOf(await claim(deliveries, T0 + 1)),
      [`ep_a/${y}#2`, `ep_b/${x}#2`, `ep_b/${y}#2`].sort(),
    );
  });

  test('claims take the oldest due first, up to the limit, skipping excluded endpoints', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    await deliveries.createEndpoint(endpoint('ep_b'));
    const ids: string[] = [];
    for (let i = 0; i < 4; i++)
      ids.push((await startCall(calls, { at: T0 + 10 * (3 - i) })).state.callId);
    // Due times: ids[3] at T0, ids[2] at T0 + 10, ids[1] at T0 + 20, ids[0] at T0 + 30.
    const now = T0 + 100;
    const firstTwo = await claim(deliveries, now, 'node-a', {
      limit: 2,
      excludeEndpointIds: ['ep_b'],
    });
    assert.deepEqual(
      firstTwo.map((d) => [d.endpointId, d.callId]),
      [
        ['ep_a', ids[3]],
        ['ep_a', ids[2]],
      ],
    );
    const rest = await claim(deliveries, now, 'node-a', { excludeEndpointIds: ['ep_a', 'ep_b'] });
    assert.deepEqual(rest, []);
    const more = await claim(deliveries, now, 'node-a', { excludeEndpointIds: ['ep_b'] });
    assert.deepEqual(lanesOf(more), [`ep_a/${ids[0]}#1`, `ep_a/${ids[1]}#1`].sort());
  });

  test('nextDueAt is the earliest due head, and null once every lane is done', async (t) => {
    const { calls, deliveries } = await open(t);
    assert.equal(await deliveries.nextDueAt(), null);
    await deliveries.createEndpoint(endpoint('ep_a'));
    await startCall(calls, { at: T0 + 50 });
    await startCall(calls, { at: T0 + 20 });
    assert.equal(await deliveries.nextDueAt(), T0 + 20);
    await drain(deliveries, T0 + 100);
    assert.equal(await deliveries.nextDueAt(), null);
  });

  test('draining sends each lane in seq order, every event once', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    const x = (await startCall(calls)).state.callId;
    const y = (await startCall(calls)).state.callId;
    await Promise.all([dtmf(calls, x, '1234'), dtmf(calls, y, '56')]);
    const sent = await drain(deliveries, T0 + 1);
    assert.deepEqual(
      sent.filter(([c]) => c === x).map(([, s]) => s),
      [1, 2, 3, 4, 5],
    );
    assert.deepEqual(
      sent.filter(([c]) => c === y).map(([, s]) => s),
      [1, 2, 3],
    );
  });
}
