import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCall, endCall, sendDigits } from './fixtures/fabricated-calls.ts';
import { tempStore } from './fixtures/temp-store.ts';

const T0 = Date.UTC(2026, 0, 1);

test('closing and reopening the file keeps calls, events, positions and idempotency keys', async (t) => {
  const { store, reopen } = tempStore(t);
  const first = createCall({ at: T0 });
  const second = createCall({ at: T0 + 1, threadId: 'thread-2' });
  const digits = sendDigits(first.state, '42', T0 + 2);
  const ended = endCall(second.state, T0 + 3);
  const saved = {
    scope: 'POST /v1/calls',
    key: 'key-1',
    requestHash: 'h',
    created: true,
    responseBody: '{"callId":"x"}',
    createdAt: T0,
  };
  await store.runCommand(first.state.callId, () => ({ ...first, idempotency: saved, result: 1 }));
  await store.runCommand(second.state.callId, () => ({ ...second, result: 2 }));
  await store.runCommand(first.state.callId, () => ({ ...digits, result: 3 }));
  await store.runCommand(second.state.callId, () => ({ ...ended, result: 4 }));

  const before = {
    calls: await store.listCalls({ limit: 10 }),
    active: await store.listActiveCalls(),
    events: await store.readEvents({ limit: 100 }),
    last: await store.lastEventPosition(),
  };
  await store.close();
  await store.close(); // closing twice is harmless

  const again = reopen();
  await again.ping();
  assert.deepEqual(
    {
      calls: await again.listCalls({ limit: 10 }),
      active: await again.listActiveCalls(),
      events: await again.readEvents({ limit: 100 }),
      last: await again.lastEventPosition(),
    },
    before,
  );
  assert.deepEqual(await again.getCall(first.state.callId), digits.state);
  assert.deepEqual(await again.getCall(second.state.callId), ended.state);
  assert.deepEqual(await again.getIdempotency(saved.scope, saved.key), saved);
  assert.equal(before.events.length, 5);

  // New events continue after the old positions.
  const third = createCall({ at: T0 + 10 });
  await again.runCommand(third.state.callId, () => ({ ...third, result: null }));
  assert.equal(await again.lastEventPosition(), 6);
});
