import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  claim,
  digits,
  endpoint,
  lane,
  OWNER,
  startCall,
  T0,
} from './fixtures/delivery-fixture.ts';
import { tempStore } from './fixtures/temp-store.ts';

test("after a crash, the dead process's claims are due at once, in order, with the same ids", async (t) => {
  const { store, reopen } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const a = await startCall(store, { at: T0 });
  const b = await startCall(store, { at: T0 + 1 });
  const c = await startCall(store, { at: T0 + 2 });
  await digits(store, a.callId, '1', T0 + 3);
  // Two heads claimed with a long lease, then the process "dies" with them in flight.
  const inFlight = await store.deliveries.claimDue(T0 + 2, {
    owner: OWNER,
    limit: 2,
    leaseUntil: T0 + 3_600_000,
  });
  assert.deepEqual(
    inFlight.map((d) => d.callId),
    [a.callId, b.callId],
  );
  store.closeSync();

  // They were not written (the deferred outbox): their leases ended with the process, and
  // the same deliveries (same ids) are claimable at once, in order, the lane behind the
  // first still waiting.
  const restarted = reopen();
  const now = T0 + 1_000;
  assert.equal(await restarted.deliveries.releaseLeases(OWNER, now), 0);
  const again = await claim(restarted, now);
  assert.deepEqual(
    again.map((d) => [d.callId, d.seq, d.nextAttemptAt]),
    [
      [a.callId, 1, T0],
      [b.callId, 1, T0 + 1],
      [c.callId, 1, T0 + 2],
    ],
  );
  assert.deepEqual(
    again.slice(0, 2).map((d) => d.id),
    inFlight.map((d) => d.id),
  );
  assert.deepEqual(lane(restarted, 'ep_a', a.callId), [
    [1, T0],
    [2, null],
  ]);
});

test("after a crash, releaseLeases(owner) makes the dead process's leased rows due at once, in order", async (t) => {
  const { store, reopen } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const a = await startCall(store, { at: T0 });
  const b = await startCall(store, { at: T0 + 1 });
  const c = await startCall(store, { at: T0 + 2 });
  await digits(store, a.callId, '1', T0 + 3);
  // Written as rows first (as a listing does): their leases are rows too, and outlive it.
  store.deliveries.writeUnwritten();
  const inFlight = await store.deliveries.claimDue(T0 + 2, {
    owner: OWNER,
    limit: 2,
    leaseUntil: T0 + 3_600_000,
  });
  assert.deepEqual(
    inFlight.map((d) => d.callId),
    [a.callId, b.callId],
  );
  store.closeSync();

  const restarted = reopen();
  const now = T0 + 1_000;
  // Still leased after the reopen: only the third call's head is claimable.
  const third = await restarted.deliveries.claimDue(now, {
    owner: OWNER,
    limit: 10,
    leaseUntil: now + 10,
  });
  assert.deepEqual(
    third.map((d) => d.callId),
    [c.callId],
  );
  assert.equal(await restarted.deliveries.releaseLeases(OWNER, now), 3);

  const again = await claim(restarted, now);
  assert.deepEqual(
    again.map((d) => [d.callId, d.seq, d.nextAttemptAt]),
    [
      [a.callId, 1, T0],
      [b.callId, 1, T0 + 1],
      [c.callId, 1, T0 + 2],
    ],
  );
  // The lane behind a released head still waits.
  assert.deepEqual(lane(restarted, 'ep_a', a.callId), [
    [1, T0],
    [2, null],
  ]);
});

test('releaseLeases with nothing leased changes nothing', async (t) => {
  const { store } = tempStore(t);
  await store.deliveries.createEndpoint(endpoint('ep_a'));
  const call = await startCall(store);
  assert.equal(await store.deliveries.releaseLeases(OWNER, T0 + 5), 0);
  assert.deepEqual(lane(store, 'ep_a', call.callId), [[1, T0]]);
});
