import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  claim,
  digits,
  endpoint,
  LEASE_MS,
  lane,
  OWNER,
  outcome,
  SECRET,
  startCall,
  T0,
} from './fixtures/delivery-fixture.ts';
import { tempStore } from './fixtures/temp-store.ts';

test('a claimed delivery is leased: not claimed again until the lease has passed', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  await startCall(store);

  const first = await claim(store, T0);
  assert.equal(first.length, 1);
  assert.deepEqual(await claim(store, T0 + 1), []);
  assert.deepEqual(await claim(store, T0 + LEASE_MS - 1), []);
  // The lease ends at T0 + LEASE_MS: a claimer that died is replaced from then on.
  const again = await claim(store, T0 + LEASE_MS);
  assert.deepEqual(
    again.map((d) => d.id),
    [first[0]!.id],
  );
});

test('endpoints in excludeEndpointIds are skipped, and their heads stay due', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  await store.deliveries.createEndpoint(endpoint('ep_b'));
  await startCall(store);

  const some = await claim(store, T0, ['ep_a']);
  assert.deepEqual(
    some.map((d) => d.endpointId),
    ['ep_b'],
  );
  const rest = await claim(store, T0, []);
  assert.deepEqual(
    rest.map((d) => d.endpointId),
    ['ep_a'],
  );
});

test('claims take the oldest due first, up to the limit', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const calls = [];
  for (const at of [T0 + 30, T0 + 10, T0 + 20]) calls.push(await startCall(store, { at }));

  const two = await store.deliveries.claimDue(T0 + 100, {
    owner: OWNER,
    limit: 2,
    leaseUntil: T0 + 1000,
  });
  assert.deepEqual(
    two.map((d) => d.callId),
    [calls[1]!.callId, calls[2]!.callId],
  );
  assert.deepEqual(
    await store.deliveries.claimDue(T0 + 25, { owner: OWNER, limit: 5, leaseUntil: T0 + 1000 }),
    [],
  );
});

test('a claim carries the url, the live secrets newest first, and the body exactly as stored', async (t) => {
  const { store } = tempStore(t);
  const rotated = 'whsec_bmV3ZXN0LXNlY3JldC1vZi10aGUtZW5kcG9pbnQ=';
  const expired = 'whsec_ZXhwaXJlZC1zZWNyZXQtb2YtdGhlLWVuZHBvaW50';
  await store.deliveries.createEndpoint(
    endpoint('ep_a', {
      url: 'https://bots.example.org/hook?x=1',
      secrets: [
        { secret: rotated, createdAt: T0, expiresAt: null },
        { secret: SECRET, createdAt: T0 - 10, expiresAt: T0 + 24 * 3_600_000 },
        { secret: expired, createdAt: T0 - 20, expiresAt: T0 },
      ],
    }),
  );
  const call = await startCall(store);
  const [event] = await store.readEvents({ limit: 1 });

  const [due] = await claim(store, T0 + 1);
  assert.ok(due && event);
  assert.equal(due.url, 'https://bots.example.org/hook?x=1');
  assert.deepEqual(due.secrets, [rotated, SECRET]);
  const stored = store.db
    .prepare('SELECT payload_json FROM events WHERE id = ?')
    .pluck()
    .get(event.id) as string;
  assert.equal(due.body, stored);
  assert.deepEqual(JSON.parse(due.body), event.payload);
  assert.deepEqual(
    [due.eventId, due.eventPosition, due.callId, due.seq, due.eventType, due.attemptCount],
    [event.id, event.position, call.callId, 1, 'call.created', 0],
  );
  assert.equal(due.nextAttemptAt, T0);
});

test('deliveries of a disabled endpoint are parked: not claimed, not due; enabling resumes them', async (t) => {
  const { store } = tempStore(t);
  const ep = endpoint('ep_a');
  await store.deliveries.createEndpoint(ep);
  const call = await startCall(store);
  await digits(store, call.callId, '12');

  await store.deliveries.updateEndpoint({
    ...ep,
    enabled: false,
    disabledReason: 'manual',
    updatedAt: T0 + 1,
  });
  assert.deepEqual(await claim(store, T0 + 2), []);
  assert.equal(await store.deliveries.nextDueAt(), null);
  assert.deepEqual(lane(store, 'ep_a', call.callId), [
    [1, null],
    [2, null],
    [3, null],
  ]);

  await store.deliveries.updateEndpoint({ ...ep, updatedAt: T0 + 50 });
  assert.equal(await store.deliveries.nextDueAt(), T0 + 50);
  assert.deepEqual(
    (await claim(store, T0 + 50)).map((d) => d.seq),
    [1],
  );
});

test('nextDueAt is the earliest head due, or null when nothing is pending', async (t) => {
  const { store } = tempStore(t);
  assert.equal(await store.deliveries.nextDueAt(), null);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  await startCall(store, { at: T0 + 40 });
  await startCall(store, { at: T0 + 30 });
  assert.equal(await store.deliveries.nextDueAt(), T0 + 30);

  for (const d of await claim(store, T0 + 40)) {
    await store.deliveries.recordOutcomes([outcome(d, 'delivered')], T0 + 41);
  }
  assert.equal(await store.deliveries.nextDueAt(), null);
});

test('claimDue refuses a limit below 1, a lease that ends before now, and no owner', async (t) => {
  const { store } = tempStore(t);
  const ok = { owner: OWNER, limit: 10, leaseUntil: T0 + 1 };
  await assert.rejects(store.deliveries.claimDue(T0, { ...ok, limit: 0 }), RangeError);
  await assert.rejects(store.deliveries.claimDue(T0, { ...ok, leaseUntil: T0 }), RangeError);
  await assert.rejects(store.deliveries.claimDue(T0, { ...ok, owner: '' }), RangeError);
  await assert.rejects(
    store.deliveries.claimDue(T0, { ...ok, perEndpoint: { limit: 0 } }),
    RangeError,
  );
  await assert.rejects(store.deliveries.releaseLeases('', T0), RangeError);
});
