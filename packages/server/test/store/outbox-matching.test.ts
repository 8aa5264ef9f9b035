import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SqliteStore } from '../../src/store/sqlite/index.ts';
import { digits, endpoint, finishCall, startCall, T0 } from './fixtures/delivery-fixture.ts';
import { tempStore } from './fixtures/temp-store.ts';

/** The (call, event type) pairs an endpoint got, in event order. */
async function received(store: SqliteStore, endpointId: string) {
  const page = await store.deliveries.listDeliveries(endpointId, { limit: 100 });
  return page.items
    .sort((a, b) => a.eventPosition - b.eventPosition)
    .map((d) => `${d.callId.slice(0, 6)}:${d.eventType}`);
}

test('event types select what an endpoint gets; null means every type', async (t) => {
  const { store } = tempStore(t);
  const d = store.deliveries;
  await d.createEndpoint(endpoint('ep_all'));
  await d.createEndpoint(endpoint('ep_dtmf', { eventTypes: ['call.dtmf'] }));
  await d.createEndpoint(endpoint('ep_ends', { eventTypes: ['call.created', 'call.ended'] }));
  await d.createEndpoint(endpoint('ep_none', { eventTypes: ['call.user.invited'] }));

  const call = await startCall(store, { callId: 'aaaaaa00-0000-4000-8000-000000000000' });
  await digits(store, call.callId, '1');
  await finishCall(store, call.callId, T0 + 1);

  assert.deepEqual(await received(store, 'ep_all'), [
    'aaaaaa:call.created',
    'aaaaaa:call.dtmf',
    'aaaaaa:call.ended',
  ]);
  assert.deepEqual(await received(store, 'ep_dtmf'), ['aaaaaa:call.dtmf']);
  assert.deepEqual(await received(store, 'ep_ends'), ['aaaaaa:call.created', 'aaaaaa:call.ended']);
  assert.deepEqual(await received(store, 'ep_none'), []);
});

test('a filter on stream and/or thread selects the calls an endpoint gets', async (t) => {
  const { store } = tempStore(t);
  const d = store.deliveries;
  await d.createEndpoint(endpoint('ep_s1', { filter: { streamId: 's1' } }));
  await d.createEndpoint(endpoint('ep_t1', { filter: { threadId: 't1' } }));
  await d.createEndpoint(endpoint('ep_s1t2', { filter: { streamId: 's1', threadId: 't2' } }));

  await startCall(store, {
    callId: 'aaaaaa00-0000-4000-8000-000000000000',
    streamId: 's1',
    threadId: 't1',
  });
  await startCall(store, {
    callId: 'bbbbbb00-0000-4000-8000-000000000000',
    streamId: 's1',
    threadId: 't2',
  });
  await startCall(store, {
    callId: 'cccccc00-0000-4000-8000-000000000000',
    streamId: 's2',
    threadId: 't1',
  });

  assert.deepEqual(await received(store, 'ep_s1'), ['aaaaaa:call.created', 'bbbbbb:call.created']);
  assert.deepEqual(await received(store, 'ep_t1'), ['aaaaaa:call.created', 'cccccc:call.created']);
  assert.deepEqual(await received(store, 'ep_s1t2'), ['bbbbbb:call.created']);
});

test('a disabled endpoint gets nothing; enabled again, it gets what comes after', async (t) => {
  const { store } = tempStore(t);
  const d = store.deliveries;
  const off = endpoint('ep_off', { enabled: false, disabledReason: 'manual' });
  await d.createEndpoint(off);

  const call = await startCall(store);
  assert.deepEqual(await received(store, 'ep_off'), []);

  await d.updateEndpoint({ ...off, enabled: true, disabledReason: null, updatedAt: T0 + 1 });
  await digits(store, call.callId, '5', T0 + 2);
  assert.deepEqual(
    (await d.listDeliveries('ep_off', { limit: 10 })).items.map((x) => x.seq),
    [2],
  );
});

test('an endpoint created after an event does not get it, only the events after', async (t) => {
  const { store } = tempStore(t);
  const call = await startCall(store);
  await store.deliveries.createEndpoint(endpoint('ep_late'));
  await digits(store, call.callId, '9', T0 + 1);

  const items = (await store.deliveries.listDeliveries('ep_late', { limit: 10 })).items;
  assert.deepEqual(
    items.map((x) => [x.seq, x.nextAttemptAt]),
    [[2, T0 + 1]],
  );
});

test('changing or deleting an endpoint takes effect at the very next event', async (t) => {
  const { store } = tempStore(t);
  const d = store.deliveries;
  const ep = endpoint('ep_a', { eventTypes: ['call.created'] });
  await d.createEndpoint(ep);
  await d.createEndpoint(endpoint('ep_b'));
  const call = await startCall(store);

  await d.updateEndpoint({ ...ep, eventTypes: ['call.dtmf'], updatedAt: T0 + 1 });
  await d.deleteEndpoint('ep_b');
  await digits(store, call.callId, '4', T0 + 2);

  assert.deepEqual(
    (await d.listDeliveries('ep_a', { limit: 10 })).items.map((x) => x.eventType).sort(),
    ['call.created', 'call.dtmf'],
  );
  const rows = store.db.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE endpoint_id = 'ep_b'");
  assert.deepEqual(rows.get(), { n: 0 });
});
