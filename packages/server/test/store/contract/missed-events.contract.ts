import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallhookError } from '../../../src/errors.ts';
import type { DeliveryStore, EndpointRecord } from '../../../src/store/delivery-port.ts';
import { dtmf, startCall, T0 } from './call-commands.ts';
import { deliveriesOf, drain, endpoint } from './delivery-records.ts';
import type { StoreFactory } from './store-factory.ts';

// What a disabled endpoint missed: the store keeps the log position it was disabled at, and
// enabling counts (or replays) the events after it that the endpoint subscribes to.

async function disable(deliveries: DeliveryStore, id: string, at: number): Promise<EndpointRecord> {
  const record = (await deliveries.getEndpoint(id))!;
  // The record's own disabledAfterPosition is not the store's to take: a nonsense value here.
  const off = {
    ...record,
    enabled: false,
    disabledReason: 'manual' as const,
    disabledAfterPosition: 999_999,
    updatedAt: at,
  };
  await deliveries.updateEndpoint(off);
  return off;
}

const on = (record: EndpointRecord, at: number): EndpointRecord => ({
  ...record,
  enabled: true,
  disabledReason: null,
  disabledAfterPosition: null,
  updatedAt: at,
});

export function missedEventsContract(open: StoreFactory): void {
  test('a disabling write records the log position; later writes keep it, enabling clears it', async (t) => {
    const { calls, deliveries } = await open(t);
    const call = await startCall(calls);
    await deliveries.createEndpoint(
      endpoint('ep_off', { enabled: false, disabledReason: 'manual' }),
    );
    assert.equal(
      (await deliveries.getEndpoint('ep_off'))?.disabledAfterPosition,
      await calls.lastEventPosition(),
    );

    await deliveries.createEndpoint(endpoint('ep_a'));
    await dtmf(calls, call.state.callId, '12');
    const position = await calls.lastEventPosition();
    const off = await disable(deliveries, 'ep_a', T0 + 1);
    assert.equal((await deliveries.getEndpoint('ep_a'))?.disabledAfterPosition, position);
    await dtmf(calls, call.state.callId, '3');
    await deliveries.updateEndpoint({ ...off, description: 'still off', updatedAt: T0 + 2 });
    assert.equal((await deliveries.getEndpoint('ep_a'))?.disabledAfterPosition, position);

    await deliveries.updateEndpoint(on(off, T0 + 3));
    assert.equal((await deliveries.getEndpoint('ep_a'))?.disabledAfterPosition, null);
  });

  test('enabling counts the subscribed events missed while disabled, and queues none of them', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a', { eventTypes: ['call.dtmf'] }));
    const call = await startCall(calls);
    const off = await disable(deliveries, 'ep_a', T0 + 1);
    await dtmf(calls, call.state.callId, '1', T0 + 100);
    await startCall(calls, { at: T0 + 150 }); // call.created: not subscribed
    await dtmf(calls, call.state.callId, '23', T0 + 200);

    const missed = await deliveries.enableEndpoint(on(off, T0 + 300), { replayMissed: false });
    assert.deepEqual(missed, { events: 3, replayed: 0, firstAt: T0 + 100, lastAt: T0 + 200 });
    assert.deepEqual(await deliveriesOf(deliveries, 'ep_a'), []);
    const record = await deliveries.getEndpoint('ep_a');
    assert.deepEqual([record?.enabled, record?.disabledAfterPosition], [true, null]);
    // Enabled again: new events are queued, and a second enable finds nothing missed.
    await dtmf(calls, call.state.callId, '4', T0 + 400);
    assert.equal((await deliveriesOf(deliveries, 'ep_a')).length, 1);
    assert.deepEqual(await deliveries.enableEndpoint(on(off, T0 + 500), { replayMissed: true }), {
      events: 0,
      replayed: 0,
      firstAt: null,
      lastAt: null,
    });
  });

  test('enabling with replayMissed queues the missed events, chained and sent in seq order', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(
      endpoint('ep_a', { eventTypes: ['call.created', 'call.dtmf'] }),
    );
    const x = (await startCall(calls)).state.callId;
    await drain(deliveries, T0);
    const off = await disable(deliveries, 'ep_a', T0 + 1);
    await dtmf(calls, x, '12', T0 + 10);
    const y = (await startCall(calls, { at: T0 + 20 })).state.callId;

    const missed = await deliveries.enableEndpoint(on(off, T0 + 30), { replayMissed: true });
    assert.deepEqual(missed, { events: 3, replayed: 3, firstAt: T0 + 10, lastAt: T0 + 20 });
    const queued = (await deliveriesOf(deliveries, 'ep_a')).filter((d) => d.status === 'pending');
    assert.deepEqual(
      queued.map((d) => [d.callId, d.seq, d.previousSeq]),
      [
        [x, 2, 1],
        [x, 3, 2],
        [y, 1, 0],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0])) || Number(a[1]) - Number(b[1])),
    );
    const sent = await drain(deliveries, T0 + 30);
    assert.deepEqual(
      sent.filter(([c]) => c === x).map(([, s]) => s),
      [2, 3],
    );
    assert.deepEqual(
      sent.filter(([c]) => c === y).map(([, s]) => s),
      [1],
    );
  });

  test('enabling matches the missed events against the subscription it writes', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a', { eventTypes: ['call.created'] }));
    const call = await startCall(calls);
    const off = await disable(deliveries, 'ep_a', T0 + 1);
    await dtmf(calls, call.state.callId, '12', T0 + 10);
    const missed = await deliveries.enableEndpoint(
      { ...on(off, T0 + 20), eventTypes: ['call.dtmf'] },
      { replayMissed: true },
    );
    assert.deepEqual([missed.events, missed.replayed], [2, 2]);
    assert.deepEqual((await deliveries.getEndpoint('ep_a'))?.eventTypes, ['call.dtmf']);
  });

  test('enabling an unknown endpoint is not_found', async (t) => {
    const { deliveries } = await open(t);
    await assert.rejects(
      deliveries.enableEndpoint(endpoint('ep_gone'), { replayMissed: true }),
      (error) => error instanceof CallhookError && error.code === 'not_found',
    );
  });
}
