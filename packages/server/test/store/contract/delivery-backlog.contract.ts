import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeliveryStore } from '../../../src/store/delivery-port.ts';
import { dtmf, startCall, T0 } from './call-commands.ts';
import { claim, deliveriesOf, endpoint, outcome } from './delivery-records.ts';
import type { StoreFactory } from './store-factory.ts';

// deliveryBacklog: pending deliveries per endpoint and their oldest, disabled endpoints by reason.

/** The backlog as listDeliveries tells it: pending count and oldest createdAt per endpoint. */
async function pendingOf(deliveries: DeliveryStore, endpointId: string) {
  const pending = (await deliveriesOf(deliveries, endpointId)).filter(
    (d) => d.status === 'pending',
  );
  return {
    endpointId,
    pending: pending.length,
    oldestPendingAt: Math.min(...pending.map((d) => d.createdAt)),
  };
}

export function deliveryBacklogContract(open: StoreFactory): void {
  test('an empty store has no backlog and no disabled endpoint', async (t) => {
    const { backlog } = await open(t);
    assert.deepEqual(await backlog.deliveryBacklog(), {
      endpoints: [],
      disabled: { manual: 0, gone: 0, failing: 0 },
    });
  });

  test('each endpoint with pending deliveries, oldest first; settled ones do not count', async (t) => {
    const { calls, deliveries, backlog } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_late', { createdAt: T0 }));
    const first = await startCall(calls, { at: T0 + 10 });
    await deliveries.createEndpoint(endpoint('ep_early'));
    await dtmf(calls, first.state.callId, '12', T0 + 20);
    await startCall(calls, { at: T0 + 30 });
    await deliveries.createEndpoint(endpoint('ep_idle'));
    // ep_late's first delivery is delivered: its oldest pending is a later one.
    const [head] = await claim(deliveries, T0 + 40, 'node-a', {
      excludeEndpointIds: ['ep_early', 'ep_idle'],
      limit: 1,
    });
    assert.ok(head);
    await deliveries.recordOutcomes([outcome(head, 'delivered', T0 + 40)], T0 + 41);

    const expected = [
      await pendingOf(deliveries, 'ep_late'),
      await pendingOf(deliveries, 'ep_early'),
    ].sort(
      (a, b) => a.oldestPendingAt - b.oldestPendingAt || (a.endpointId < b.endpointId ? -1 : 1),
    );
    assert.ok(expected.every((e) => e.pending > 0));
    const { endpoints } = await backlog.deliveryBacklog();
    assert.deepEqual(endpoints, expected);
  });

  test('disabled endpoints are counted by reason', async (t) => {
    const { deliveries, backlog } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_on'));
    await deliveries.createEndpoint(
      endpoint('ep_off', { enabled: false, disabledReason: 'manual' }),
    );
    await deliveries.createEndpoint(
      endpoint('ep_gone', { enabled: false, disabledReason: 'gone' }),
    );
    await deliveries.createEndpoint(
      endpoint('ep_gone2', { enabled: false, disabledReason: 'gone' }),
    );
    const { disabled } = await backlog.deliveryBacklog();
    assert.deepEqual(disabled, { manual: 1, gone: 2, failing: 0 });
  });
}
