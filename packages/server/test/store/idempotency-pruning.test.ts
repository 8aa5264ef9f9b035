import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IdempotencyRecord } from '../../src/store/port.ts';
import { createCall } from './fixtures/fabricated-calls.ts';
import { tempStore } from './fixtures/temp-store.ts';

const T0 = Date.UTC(2026, 0, 1);
const DAY = 24 * 60 * 60_000;

test('pruning deletes the keys created before the cut-off and keeps the rest', async (t) => {
  const { store } = tempStore(t);
  const ages = [DAY + 1, DAY, DAY - 1, 0];
  for (const [i, age] of ages.entries()) {
    const { state, events } = createCall({ at: T0 });
    const idempotency: IdempotencyRecord = {
      scope: 'POST /v1/calls',
      key: `key-${i}`,
      requestHash: 'h',
      created: true,
      responseBody: '{}',
      createdAt: T0 + DAY - age,
    };
    await store.runCommand(state.callId, () => ({ state, events, idempotency, result: null }));
  }

  // Keys live 24 h: at T0 + DAY, keys created before T0 are expired.
  assert.equal(await store.pruneIdempotency(T0), 1);
  assert.equal(await store.getIdempotency('POST /v1/calls', 'key-0'), undefined);
  for (const key of ['key-1', 'key-2', 'key-3']) {
    assert.ok(await store.getIdempotency('POST /v1/calls', key), key);
  }
  assert.equal(await store.pruneIdempotency(T0), 0); // already gone
  assert.equal(await store.pruneIdempotency(T0 + DAY + 1), 3);
  // Pruning touches keys only: the calls stay.
  assert.equal(await store.countActiveCalls(), 4);
});

test('a command that returns a record for a saved key replaces it', async (t) => {
  const { store } = tempStore(t);
  const { state, events } = createCall({ at: T0 });
  const first: IdempotencyRecord = {
    scope: 's',
    key: 'k',
    requestHash: 'h1',
    created: true,
    responseBody: 'first',
    createdAt: T0,
  };
  await store.runCommand(state.callId, () => ({ state, events, idempotency: first, result: null }));
  const second = { ...first, requestHash: 'h2', responseBody: 'second', createdAt: T0 + DAY };
  await store.runCommand(state.callId, () => ({ events: [], idempotency: second, result: null }));
  assert.deepEqual(await store.getIdempotency('s', 'k'), second);
});
