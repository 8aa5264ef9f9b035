import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallhookError } from '../../src/errors.ts';
import { claim, digits, endpoint, outcome, startCall, T0 } from './fixtures/delivery-fixture.ts';
import { tempStore } from './fixtures/temp-store.ts';

test('deliveries are listed newest first with their attempts, optionally by status', async (t) => {
  const { store } = tempStore(t);
  const d = store.deliveries;
  await d.createEndpoint(endpoint('ep_a'));
  const a = await startCall(store, { at: T0 });
  const b = await startCall(store, { at: T0 + 1 });
  await digits(store, a.callId, '1', T0 + 2);

  const [headA, headB] = await claim(store, T0 + 5);
  const retry = outcome(headA!, { status: 'pending', nextAttemptAt: T0 + 10 }, T0 + 5);
  await d.recordOutcomes([retry, outcome(headB!, 'delivered', T0 + 5)], T0 + 6);
  const [again] = await claim(store, T0 + 10);
  const gone = outcome(again!, 'failed', T0 + 10);
  await d.recordOutcomes([gone], T0 + 11);

  const all = await d.listDeliveries('ep_a', { limit: 10 });
  assert.deepEqual(
    all.items.map((x) => [x.callId, x.seq, x.status, x.attempts.map((y) => y.attempt)]),
    [
      [a.callId, 2, 'pending', []],
      [b.callId, 1, 'delivered', [1]],
      [a.callId, 1, 'failed', [1, 2]],
    ],
  );
  assert.equal(all.nextCursor, null);
  assert.deepEqual(all.items[2]?.attempts, [retry.attempt, gone.attempt]);

  const failed = await d.listDeliveries('ep_a', { status: 'failed', limit: 10 });
  assert.deepEqual(
    failed.items.map((x) => x.id),
    [headA!.id],
  );
  assert.deepEqual(await d.getDelivery(headA!.id), all.items[2]);
  assert.equal(await d.getDelivery('dlv_none'), undefined);
  assert.deepEqual(await d.listDeliveries('ep_other', { limit: 10 }), {
    items: [],
    nextCursor: null,
  });
});

test('paging with the cursor visits every delivery once, also while new ones arrive', async (t) => {
  const { store } = tempStore(t);
  const d = store.deliveries;
  await d.createEndpoint(endpoint('ep_a'));
  const calls = [];
  for (let i = 0; i < 7; i++) calls.push(await startCall(store, { at: T0 + i }));

  const seen: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; ; page++) {
    const result = await d.listDeliveries('ep_a', { limit: 3, ...(cursor && { cursor }) });
    seen.push(...result.items.map((x) => x.callId));
    // Newer than everything listed so far: it does not show up in later pages.
    if (page === 0) await startCall(store, { at: T0 + 100 });
    if (!result.nextCursor) break;
    cursor = result.nextCursor;
  }
  assert.deepEqual(seen, calls.map((c) => c.callId).reverse());
});

test('a malformed cursor or an out-of-range limit is a validation error', async (t) => {
  const { store } = tempStore(t);
  const isValidation = (error: unknown) =>
    error instanceof CallhookError && error.code === 'validation_error';
  await assert.rejects(store.deliveries.listDeliveries('ep_a', { limit: 0 }), isValidation);
  await assert.rejects(store.deliveries.listDeliveries('ep_a', { limit: 501 }), isValidation);
  await assert.rejects(
    store.deliveries.listDeliveries('ep_a', { limit: 5, cursor: 'not a cursor' }),
    isValidation,
  );
  await assert.rejects(store.deliveries.listEndpoints({ limit: 5, cursor: 'WzFd' }), isValidation);
});
