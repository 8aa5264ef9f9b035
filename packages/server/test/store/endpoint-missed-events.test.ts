import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SqliteStore } from '../../src/store/sqlite/index.ts';
import { callWithGaps, GAPPY_TYPES } from './fixtures/call-with-gaps.ts';
import { claim, endpoint, lane, outcome, T0 } from './fixtures/delivery-fixture.ts';
import { tempStore } from './fixtures/temp-store.ts';

// A disabled endpoint gets no deliveries of new events; the store records where the log ended
// at the disable (disabledAfterPosition), exactly, in the disabling transaction, and
// enableEndpoint counts — or replays — the events after it that the subscription matches.

const CALL_A = 'aaaaaa00-0000-4000-8000-000000000000';
const CALL_B = 'bbbbbb00-0000-4000-8000-000000000000';

function logEnd(store: SqliteStore): number {
  const row = store.db.prepare('SELECT MAX(position) AS p FROM events').get() as { p: number };
  return row.p;
}

async function disableByHand(store: SqliteStore, id: string, at: number) {
  const current = (await store.deliveries.getEndpoint(id))!;
  await store.deliveries.updateEndpoint({
    ...current,
    enabled: false,
    disabledReason: 'manual',
    updatedAt: at,
  });
}

async function enabled(store: SqliteStore, id: string, at: number) {
  const current = (await store.deliveries.getEndpoint(id))!;
  return { ...current, enabled: true, disabledReason: null, failingSince: null, updatedAt: at };
}

test('disabling by hand records the log end; enabling counts the matching events after it', async (t) => {
  const { store } = tempStore(t);
  const d = store.deliveries;
  await d.createEndpoint(endpoint('ep_f', { eventTypes: [...GAPPY_TYPES] }));
  assert.equal((await d.getEndpoint('ep_f'))?.disabledAfterPosition, null);
  await callWithGaps(store, CALL_A, T0, 1, 3);
  await disableByHand(store, 'ep_f', T0 + 10);
  assert.equal((await d.getEndpoint('ep_f'))?.disabledAfterPosition, logEnd(store));

  await callWithGaps(store, CALL_A, T0, 4, 6); // 5 and 6 match
  await callWithGaps(store, CALL_B, T0 + 100); // 2, 5 and 6 match
  const before = (await d.listDeliveries('ep_f', { limit: 100 })).items.length;
  assert.equal(before, 1, 'only seq 2 of call A, queued while enabled');

  const missed = await d.enableEndpoint(await enabled(store, 'ep_f', T0 + 200), {
    replayMissed: false,
  });
  assert.deepEqual(missed, { events: 5, replayed: 0, firstAt: T0 + 5, lastAt: T0 + 106 });
  assert.equal((await d.getEndpoint('ep_f'))?.disabledAfterPosition, null);
  assert.equal((await d.listDeliveries('ep_f', { limit: 100 })).items.length, before);
  // Nothing more to take: it is enabled now.
  const again = await d.enableEndpoint(await enabled(store, 'ep_f', T0 + 300), {
    replayMissed: true,
  });
  assert.deepEqual(again, { events: 0, replayed: 0, firstAt: null, lastAt: null });
});

test('a 410 disable records the log end too; replayMissed queues the missed events in chain', async (t) => {
  const { store } = tempStore(t);
  const d = store.deliveries;
  await d.createEndpoint(endpoint('ep_f', { eventTypes: [...GAPPY_TYPES] }));
  await callWithGaps(store, CALL_A, T0, 1, 4);
  const [head] = await claim(store, T0 + 10);
  assert.equal(head?.seq, 2);
  await d.recordOutcomes(
    [outcome(head!, 'failed', T0 + 10, { failingSince: T0 + 10, disable: 'gone' })],
    T0 + 10,
  );
  const disabled = await d.getEndpoint('ep_f');
  assert.deepEqual([disabled?.enabled, disabled?.disabledReason], [false, 'gone']);
  assert.equal(disabled?.disabledAfterPosition, logEnd(store));

  await callWithGaps(store, CALL_A, T0, 5, 6);
  await callWithGaps(store, CALL_B, T0 + 100, 1, 2);
  assert.equal((await d.listDeliveries('ep_f', { limit: 100 })).items.length, 1);

  const missed = await d.enableEndpoint(await enabled(store, 'ep_f', T0 + 200), {
    replayMissed: true,
  });
  assert.deepEqual(missed, { events: 3, replayed: 3, firstAt: T0 + 5, lastAt: T0 + 102 });
  const items = (await d.listDeliveries('ep_f', { limit: 100 })).items;
  assert.deepEqual(
    items
      .filter((i) => i.status === 'pending')
      .map((i) => [i.callId === CALL_A ? 'A' : 'B', i.seq, i.previousSeq])
      .sort(),
    [
      ['A', 5, 2],
      ['A', 6, 5],
      ['B', 2, 0],
    ],
  );
  // Lanes settled: each new lane has its lowest seq due; nothing else is.
  assert.deepEqual(lane(store, 'ep_f', CALL_A), [
    [5, T0 + 200],
    [6, null],
  ]);
  assert.deepEqual(lane(store, 'ep_f', CALL_B), [[2, T0 + 200]]);
});

test('an endpoint created disabled misses what comes after its creation', async (t) => {
  const { store } = tempStore(t);
  const d = store.deliveries;
  await callWithGaps(store, CALL_A, T0, 1, 2);
  await d.createEndpoint(endpoint('ep_off', { enabled: false, disabledReason: 'manual' }));
  assert.equal((await d.getEndpoint('ep_off'))?.disabledAfterPosition, logEnd(store));
  await callWithGaps(store, CALL_A, T0, 3, 4);
  const missed = await d.enableEndpoint(await enabled(store, 'ep_off', T0 + 10), {
    replayMissed: true,
  });
  assert.deepEqual([missed.events, missed.replayed], [2, 2]);
  const items = (await d.listDeliveries('ep_off', { limit: 100 })).items;
  assert.deepEqual(items.map((i) => [i.seq, i.previousSeq]).sort(), [
    [3, 2],
    [4, 3],
  ]);
});

test('a second disable while disabled keeps the first position', async (t) => {
  const { store } = tempStore(t);
  const d = store.deliveries;
  await d.createEndpoint(endpoint('ep_a'));
  await callWithGaps(store, CALL_A, T0, 1, 1);
  await disableByHand(store, 'ep_a', T0 + 1);
  const first = (await d.getEndpoint('ep_a'))?.disabledAfterPosition;
  await callWithGaps(store, CALL_A, T0, 2, 3);
  await disableByHand(store, 'ep_a', T0 + 2);
  assert.equal((await d.getEndpoint('ep_a'))?.disabledAfterPosition, first);
  const missed = await d.enableEndpoint(await enabled(store, 'ep_a', T0 + 3), {
    replayMissed: false,
  });
  assert.equal(missed.events, 2);
});

test('enableEndpoint refuses a disabled record and an unknown id', async (t) => {
  const { store } = tempStore(t);
  await assert.rejects(
    store.deliveries.enableEndpoint(endpoint('ep_none'), { replayMissed: false }),
    /does not exist/,
  );
  await assert.rejects(
    store.deliveries.enableEndpoint(endpoint('ep_none', { enabled: false }), {
      replayMissed: false,
    }),
    RangeError,
  );
});
