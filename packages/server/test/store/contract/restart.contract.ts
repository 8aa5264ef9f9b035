import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allEvents, dtmf, startCall, T0 } from './call-commands.ts';
import { claim, deliveriesOf, endpoint, LEASE_MS, outcome } from './delivery-records.ts';
import type { StoreFactory } from './store-factory.ts';

// A restart (close, open the same database) loses nothing that was acknowledged.

export function restartContract(open: StoreFactory): void {
  test('calls, events and idempotency records survive a restart, and the log goes on', async (t) => {
    const store = await open(t);
    const a = await startCall(store.calls);
    const b = await startCall(store.calls);
    await dtmf(store.calls, a.state.callId, '12');
    const key = { scope: 'POST /v1/calls/:id/end', key: 'k-1' };
    const saved = { ...key, requestHash: 'h', created: true, responseBody: '{}', createdAt: T0 };
    await store.calls.runCommand(
      b.state.callId,
      () => ({ events: [], idempotency: saved, result: null }),
      {
        idempotencyKey: key,
      },
    );
    const states = [
      await store.calls.getCall(a.state.callId),
      await store.calls.getCall(b.state.callId),
    ];
    const events = await allEvents(store.calls);
    const last = await store.calls.lastEventPosition();

    const again = await store.reopen();
    assert.deepEqual(
      [await again.calls.getCall(a.state.callId), await again.calls.getCall(b.state.callId)],
      states,
    );
    assert.deepEqual(await allEvents(again.calls), events);
    assert.equal(await again.calls.lastEventPosition(), last);
    assert.deepEqual(await again.calls.getIdempotency(key.scope, key.key), saved);
    assert.equal(await again.calls.countActiveCalls(), 2);

    const next = await dtmf(again.calls, a.state.callId, '3');
    assert.deepEqual(
      next.events.map((e) => e.seq),
      [4],
    );
    const [newest] = await again.calls.readEvents({ after: last, limit: 10 });
    assert.ok(newest && newest.position > last);
  });

  test('endpoints, deliveries, attempts and lanes survive a restart', async (t) => {
    const store = await open(t);
    await store.deliveries.createEndpoint(endpoint('ep_a'));
    await store.deliveries.createEndpoint(endpoint('ep_b', { eventTypes: ['call.dtmf'] }));
    const call = await startCall(store.calls);
    await dtmf(store.calls, call.state.callId, '12');
    const [head] = await claim(store.deliveries, T0, 'node-a', { excludeEndpointIds: ['ep_b'] });
    await store.deliveries.recordOutcomes([outcome(head!, 'delivered')], T0 + 1);
    const [second] = await claim(store.deliveries, T0 + 1, 'node-a', {
      excludeEndpointIds: ['ep_b'],
    });
    await store.deliveries.recordOutcomes(
      [outcome(second!, { status: 'pending', nextAttemptAt: T0 + 5_000 }, T0 + 1)],
      T0 + 2,
    );
    const endpoints = [
      await store.deliveries.getEndpoint('ep_a'),
      await store.deliveries.getEndpoint('ep_b'),
    ];
    const before = [
      await deliveriesOf(store.deliveries, 'ep_a'),
      await deliveriesOf(store.deliveries, 'ep_b'),
    ];

    const again = await store.reopen();
    assert.deepEqual(
      [await again.deliveries.getEndpoint('ep_a'), await again.deliveries.getEndpoint('ep_b')],
      endpoints,
    );
    assert.deepEqual(
      [await deliveriesOf(again.deliveries, 'ep_a'), await deliveriesOf(again.deliveries, 'ep_b')],
      before,
    );
    // The retry is still blocking its lane until due; ep_b's lane is untouched.
    const due = await claim(again.deliveries, T0 + 3, 'node-b');
    assert.deepEqual(
      due.map((d) => [d.endpointId, d.seq]),
      [['ep_b', 2]],
    );
    const [retry] = await claim(again.deliveries, T0 + 5_000, 'node-b');
    assert.deepEqual([retry?.id, retry?.attemptCount], [second!.id, 1]);
  });

  test('a lease survives a restart until its owner releases it', async (t) => {
    const store = await open(t);
    await store.deliveries.createEndpoint(endpoint('ep_a'));
    await startCall(store.calls);
    await startCall(store.calls);
    const [mine] = await claim(store.deliveries, T0, 'node-a', { limit: 1 });
    const [theirs] = await claim(store.deliveries, T0, 'node-b', { limit: 1 });
    const again = await store.reopen();
    if (!store.leasesOutliveTheStore) {
      // One process holds the database: its leases of unwritten deliveries ended with it.
      assert.deepEqual(
        (await claim(again.deliveries, T0 + 1, 'node-c')).map((d) => d.id).sort(),
        [mine!.id, theirs!.id].sort(),
      );
      return;
    }
    assert.deepEqual(await claim(again.deliveries, T0 + 1, 'node-c'), []);
    assert.equal(await again.deliveries.releaseLeases('node-a', T0 + 2), 1);
    assert.deepEqual(
      (await claim(again.deliveries, T0 + 2, 'node-c')).map((d) => d.id),
      [mine!.id],
    );
    assert.deepEqual(
      (await claim(again.deliveries, T0 + LEASE_MS + 1, 'node-c')).map((d) => d.id),
      [theirs!.id],
    );
  });
}
