import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallhookError } from '../../src/errors.ts';
import type { SqliteStore } from '../../src/store/sqlite/index.ts';
import { claim, endpoint, outcome, startCall, T0 } from './fixtures/delivery-fixture.ts';
import { tempStore } from './fixtures/temp-store.ts';

function rows(store: SqliteStore, table: string): number {
  return store.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
}

test('an endpoint reads back as written, with its types, filter and secrets', async (t) => {
  const { store } = tempStore(t);
  const full = endpoint('ep_full', {
    url: 'https://bots.example.org/calls',
    description: 'the call bot',
    eventTypes: ['call.created', 'call.ended'],
    filter: { streamId: 'stream-9', threadId: 'thread-3' },
    secrets: [
      { secret: 'whsec_bmV3', createdAt: T0 + 5, expiresAt: null },
      { secret: 'whsec_b2xk', createdAt: T0, expiresAt: T0 + 86_400_000 },
    ],
    failingSince: T0 + 1,
    createdAt: T0,
    updatedAt: T0 + 5,
  });
  const bare = endpoint('ep_bare', { filter: { threadId: 'thread-3' } });
  await store.deliveries.createEndpoint(full);
  await store.deliveries.createEndpoint(bare);

  assert.deepEqual(await store.deliveries.getEndpoint('ep_full'), full);
  assert.deepEqual(await store.deliveries.getEndpoint('ep_bare'), bare);
  assert.equal(await store.deliveries.getEndpoint('ep_none'), undefined);
  // A filter with neither field is no filter.
  await store.deliveries.createEndpoint(endpoint('ep_empty', { filter: {} }));
  assert.equal((await store.deliveries.getEndpoint('ep_empty'))?.filter, null);
});

test('creating an endpoint with an id in use is a conflict', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  await assert.rejects(
    store.deliveries.createEndpoint(endpoint('ep_a', { url: 'https://other.example/' })),
    (error: unknown) => error instanceof CallhookError && error.code === 'conflict',
  );
  assert.equal((await store.deliveries.getEndpoint('ep_a'))?.url, endpoint('ep_a').url);
});

test('endpoints are listed newest first, page by page', async (t) => {
  const { store } = tempStore(t);
  for (let i = 0; i < 5; i++) {
    await store.deliveries.createEndpoint(endpoint(`ep_${i}`, { createdAt: T0 + i }));
  }
  const first = await store.deliveries.listEndpoints({ limit: 2 });
  const second = await store.deliveries.listEndpoints({ limit: 2, cursor: first.nextCursor! });
  const third = await store.deliveries.listEndpoints({ limit: 2, cursor: second.nextCursor! });
  assert.deepEqual(
    [first, second, third].map((p) => p.items.map((e) => e.id)),
    [['ep_4', 'ep_3'], ['ep_2', 'ep_1'], ['ep_0']],
  );
  assert.equal(third.nextCursor, null);
});

test('an update writes the whole record; an unknown id is not_found', async (t) => {
  const { store } = tempStore(t);
  const ep = endpoint('ep_a', { eventTypes: ['call.dtmf'], filter: { streamId: 's' } });
  await store.deliveries.createEndpoint(ep);
  const changed = {
    ...ep,
    url: 'https://new.example/hook',
    description: 'moved',
    eventTypes: null,
    filter: null,
    enabled: false,
    disabledReason: 'manual' as const,
    updatedAt: T0 + 9,
  };
  await store.deliveries.updateEndpoint(changed);
  // Disabling records where the log ended (no event yet): the store's, not the record's.
  assert.deepEqual(await store.deliveries.getEndpoint('ep_a'), {
    ...changed,
    disabledAfterPosition: 0,
  });

  await assert.rejects(
    store.deliveries.updateEndpoint(endpoint('ep_none')),
    (error: unknown) => error instanceof CallhookError && error.code === 'not_found',
  );
});

test('deleting an endpoint deletes its deliveries and their attempts, and nothing else', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  await store.deliveries.createEndpoint(endpoint('ep_b'));
  await startCall(store);
  const claimed = await claim(store, T0);
  await store.deliveries.recordOutcomes(
    claimed.map((d) => outcome(d, 'delivered')),
    T0 + 1,
  );
  assert.deepEqual([rows(store, 'deliveries'), rows(store, 'delivery_attempts')], [2, 2]);

  assert.equal(await store.deliveries.deleteEndpoint('ep_a'), true);
  assert.equal(await store.deliveries.getEndpoint('ep_a'), undefined);
  assert.deepEqual([rows(store, 'deliveries'), rows(store, 'delivery_attempts')], [1, 1]);
  assert.equal((await store.deliveries.listDeliveries('ep_b', { limit: 5 })).items.length, 1);
  assert.equal(rows(store, 'events'), 1);
  assert.equal(await store.deliveries.deleteEndpoint('ep_a'), false);
});
