import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCall } from '../../../src/engine/call-engine.ts';
import { DEFAULT_ENGINE_CONFIG } from '../../../src/engine/call-state.ts';
import { CallhookError } from '../../../src/errors.ts';
import { uuidV7Generator } from '../../../src/uuid-v7.ts';
import { allEvents, dtmf, startCall, T0 } from './call-commands.ts';
import { claim, deliveriesOf, drain, endpoint } from './delivery-records.ts';
import type { StoreFactory } from './store-factory.ts';

// One event sent again to one endpoint (DeliveryStore.resendEvent): a new delivery queued as
// replay queues it, and the errors of an unknown endpoint or event, a removed event, and an
// event the endpoint does not subscribe to.

const code = (expected: string) => (error: unknown) =>
  error instanceof CallhookError && error.code === expected;
const HOUR = 3_600_000;

export function resendContract(open: StoreFactory): void {
  test('a delivered event resent: a new pending delivery of the same event, sent again', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    const call = await startCall(calls, { at: T0 });
    await dtmf(calls, call.state.callId, '12', T0 + 1_000);
    await drain(deliveries, T0 + 1_000);
    const before = await deliveriesOf(deliveries, 'ep_a');
    const second = before.find((d) => d.seq === 2)!;
    assert.equal(second.status, 'delivered');

    const resent = await deliveries.resendEvent('ep_a', second.eventId, T0 + 2_000);
    assert.notEqual(resent.id, second.id);
    assert.deepEqual(
      [resent.endpointId, resent.eventId, resent.callId, resent.seq, resent.status],
      ['ep_a', second.eventId, call.state.callId, 2, 'pending'],
    );
    assert.equal(resent.attemptCount, 0);
    assert.equal(resent.previousSeq, 1, "the call's previous event the endpoint subscribes to");
    assert.equal((await deliveriesOf(deliveries, 'ep_a')).length, before.length + 1);
    const [due] = await claim(deliveries, T0 + 2_000);
    assert.deepEqual([due?.id, due?.seq], [resent.id, 2]);
  });

  test("a resent event's previousSeq counts only the events the endpoint subscribes to", async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_dtmf', { eventTypes: ['call.dtmf'] }));
    const call = await startCall(calls, { at: T0 });
    await dtmf(calls, call.state.callId, '123', T0 + 1_000);
    await drain(deliveries, T0 + 1_000);
    const events = (await allEvents(calls)).filter((e) => e.type === 'call.dtmf');
    const first = await deliveries.resendEvent('ep_dtmf', events[0]!.id, T0 + 2_000);
    const third = await deliveries.resendEvent('ep_dtmf', events[2]!.id, T0 + 2_000);
    assert.deepEqual([first.seq, first.previousSeq, third.seq, third.previousSeq], [2, 0, 4, 3]);
    // Both wait in one lane, sent in seq order.
    const sent = await drain(deliveries, T0 + 2_000);
    assert.deepEqual(
      sent.map(([, seq]) => seq),
      [2, 4],
    );
  });

  test('resend refuses an unknown endpoint or event, and an event the endpoint does not select', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_dtmf', { eventTypes: ['call.dtmf'] }));
    await deliveries.createEndpoint(endpoint('ep_other', { filter: { threadId: 'elsewhere' } }));
    await startCall(calls, { at: T0 });
    const [created] = await allEvents(calls);
    await assert.rejects(
      deliveries.resendEvent('no-such-endpoint', created!.id, T0),
      code('not_found'),
    );
    await assert.rejects(
      deliveries.resendEvent('ep_dtmf', '0190a1b2-c3d4-4e5f-8a6b-7c8d9e0f1a2b', T0),
      code('not_found'),
    );
    await assert.rejects(deliveries.resendEvent('ep_dtmf', created!.id, T0), code('conflict'));
    await assert.rejects(deliveries.resendEvent('ep_other', created!.id, T0), code('conflict'));
    assert.deepEqual(await deliveriesOf(deliveries, 'ep_dtmf'), []);
    assert.deepEqual(await deliveriesOf(deliveries, 'ep_other'), []);
  });

  test('an event removed by retention is retention_expired, not not_found', async (t) => {
    const { calls, deliveries, retention } = await open(t);
    // The service's ids: UUIDv7s of the time the event occurred.
    const newId = uuidV7Generator(() => T0);
    const callId = newId();
    await calls.runCommand(callId, () => {
      const decision = createCall(
        { callId, threadId: 'thread-1', streamId: 'stream-1' },
        { now: T0, newId, config: DEFAULT_ENGINE_CONFIG },
      );
      if (!decision.ok) throw decision.error;
      return { state: decision.state, events: decision.events, result: undefined };
    });
    const [removedEvent] = await allEvents(calls);
    await startCall(calls, { at: T0 + 2 * HOUR }); // kept
    const removed = await retention.removeBefore(T0 + HOUR, 100);
    assert.equal(removed.events, 1);
    await deliveries.createEndpoint(endpoint('ep_a'));
    await assert.rejects(
      deliveries.resendEvent('ep_a', removedEvent!.id, T0 + 3 * HOUR),
      code('retention_expired'),
    );
    // A UUIDv7 from after the horizon was never an event: not_found.
    const later = uuidV7Generator(() => T0 + 2 * HOUR)();
    await assert.rejects(deliveries.resendEvent('ep_a', later, T0 + 3 * HOUR), code('not_found'));
  });
}
