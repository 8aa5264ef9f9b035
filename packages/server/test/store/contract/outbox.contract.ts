import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allEvents, dtmf, startCall, T0 } from './call-commands.ts';
import { deliveriesOf, endpoint } from './delivery-records.ts';
import type { StoreFactory } from './store-factory.ts';

// The outbox: an appended event gets one delivery per enabled endpoint whose subscription
// matches it, written in the command's own transaction.

export function outboxContract(open: StoreFactory): void {
  test('an event gets one delivery per matching enabled endpoint, and none for the others', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_all'));
    await deliveries.createEndpoint(endpoint('ep_dtmf', { eventTypes: ['call.dtmf'] }));
    await deliveries.createEndpoint(endpoint('ep_stream', { filter: { streamId: 'stream-1' } }));
    await deliveries.createEndpoint(endpoint('ep_thread', { filter: { threadId: 'thread-2' } }));
    await deliveries.createEndpoint(
      endpoint('ep_both', { filter: { streamId: 'stream-1', threadId: 'thread-2' } }),
    );
    await deliveries.createEndpoint(
      endpoint('ep_off', { enabled: false, disabledReason: 'manual', disabledAfterPosition: 0 }),
    );
    const a = await startCall(calls, { streamId: 'stream-1', threadId: 'thread-1' });
    const b = await startCall(calls, { streamId: 'stream-2', threadId: 'thread-2' });
    await dtmf(calls, a.state.callId, '1');
    await dtmf(calls, b.state.callId, '2');
    const A = a.state.callId;

    const got = async (id: string) =>
      (await deliveriesOf(deliveries, id))
        .map((d) => `${d.callId === A ? 'a' : 'b'}${d.seq}`)
        .sort();
    assert.deepEqual(await got('ep_all'), ['a1', 'a2', 'b1', 'b2']);
    assert.deepEqual(await got('ep_dtmf'), ['a2', 'b2']);
    assert.deepEqual(await got('ep_stream'), ['a1', 'a2']);
    assert.deepEqual(await got('ep_thread'), ['b1', 'b2']);
    assert.deepEqual(await got('ep_both'), []);
    assert.deepEqual(await got('ep_off'), []);
  });

  test('a delivery names its event and starts pending with no attempts', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    const call = await startCall(calls, { at: T0 + 7 });
    const [event] = await allEvents(calls);
    const [delivery] = await deliveriesOf(deliveries, 'ep_a');
    assert.ok(event && delivery);
    assert.deepEqual(
      {
        endpointId: delivery.endpointId,
        eventId: delivery.eventId,
        eventPosition: delivery.eventPosition,
        callId: delivery.callId,
        seq: delivery.seq,
        previousSeq: delivery.previousSeq,
        eventType: delivery.eventType,
        status: delivery.status,
        attemptCount: delivery.attemptCount,
        attempts: delivery.attempts,
      },
      {
        endpointId: 'ep_a',
        eventId: event.id,
        eventPosition: event.position,
        callId: call.state.callId,
        seq: 1,
        previousSeq: 0,
        eventType: 'call.created',
        status: 'pending',
        attemptCount: 0,
        attempts: [],
      },
    );
    assert.deepEqual(await deliveries.getDelivery(delivery.id), delivery);
  });

  test("previousSeq is the seq of the lane's previous delivery, 0 for its first", async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_all'));
    await deliveries.createEndpoint(endpoint('ep_dtmf', { eventTypes: ['call.dtmf'] }));
    const call = await startCall(calls);
    await dtmf(calls, call.state.callId, '12');
    await dtmf(calls, call.state.callId, '3');
    const pairs = async (id: string) =>
      (await deliveriesOf(deliveries, id)).map((d) => [d.seq, d.previousSeq]);
    assert.deepEqual(await pairs('ep_all'), [
      [1, 0],
      [2, 1],
      [3, 2],
      [4, 3],
    ]);
    assert.deepEqual(await pairs('ep_dtmf'), [
      [2, 0],
      [3, 2],
      [4, 3],
    ]);
  });

  test('a command that fails writes no delivery; the next one continues the lane', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    const call = await startCall(calls);
    await assert.rejects(
      calls.runCommand(call.state.callId, () => {
        throw new Error('refused');
      }),
      /refused/,
    );
    await dtmf(calls, call.state.callId, '5');
    const list = await deliveriesOf(deliveries, 'ep_a');
    assert.deepEqual(
      list.map((d) => [d.seq, d.previousSeq]),
      [
        [1, 0],
        [2, 1],
      ],
    );
  });

  test('every event of one command gets its delivery', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    const call = await startCall(calls);
    const written = await dtmf(calls, call.state.callId, '1234');
    const list = await deliveriesOf(deliveries, 'ep_a');
    assert.deepEqual(
      list.map((d) => d.eventId),
      [...call.events, ...written.events].map((e) => e.id),
    );
  });

  test('an endpoint sees only events appended while it exists, is enabled and subscribes', async (t) => {
    const { calls, deliveries } = await open(t);
    const call = await startCall(calls); // before the endpoint: not queued for it
    const callId = call.state.callId;
    await deliveries.createEndpoint(endpoint('ep_a', { eventTypes: ['call.dtmf'] }));
    await dtmf(calls, callId, '1'); // seq 2: queued

    const before = (await deliveries.getEndpoint('ep_a'))!;
    const position = await calls.lastEventPosition();
    const off = {
      ...before,
      enabled: false,
      disabledReason: 'manual' as const,
      disabledAfterPosition: position,
      updatedAt: T0 + 10,
    };
    await deliveries.updateEndpoint(off);
    await dtmf(calls, callId, '2'); // seq 3: disabled, not queued

    await deliveries.updateEndpoint({
      ...off,
      enabled: true,
      disabledReason: null,
      disabledAfterPosition: null,
      eventTypes: ['call.ended'],
      updatedAt: T0 + 20,
    });
    await dtmf(calls, callId, '3'); // seq 4: no longer subscribed
    await deliveries.updateEndpoint({ ...before, eventTypes: null, updatedAt: T0 + 30 });
    await dtmf(calls, callId, '4'); // seq 5: queued

    assert.deepEqual(
      (await deliveriesOf(deliveries, 'ep_a')).map((d) => [d.seq, d.previousSeq]),
      [
        [2, 0],
        [5, 2],
      ],
    );
    await deliveries.deleteEndpoint('ep_a');
    await dtmf(calls, callId, '5');
    assert.deepEqual(await deliveriesOf(deliveries, 'ep_a'), []);
  });
}
