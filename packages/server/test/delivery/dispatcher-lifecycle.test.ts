import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertDeliveredInOrder, harnessPerTest } from './dispatcher-harness.ts';

describe('dispatcher: start, wake, timers and stop', { timeout: 30_000 }, () => {
  const h = harnessPerTest();

  it('start() takes back what this node leased in its previous life, and sends it at once', async () => {
    const { id, receiver } = await h().endpointWith();
    const events = [...(await h().emit(randomUUID(), 2)), ...(await h().emit(randomUUID(), 1))];
    const now = h().clock.now();
    // This node's previous process claimed both lane heads for an hour, then died.
    const claim = { owner: h().owner, limit: 10, leaseUntil: now + 3_600_000 };
    assert.equal((await h().store.claimDue(now, claim)).length, 2);
    const dispatcher = h().dispatcher();
    await dispatcher.start();
    await dispatcher.idle();
    await assertDeliveredInOrder(h().store, id, receiver, events);
  });

  it("start() leaves another node's unexpired leases alone", async () => {
    const { receiver } = await h().endpointWith();
    await h().emit(randomUUID(), 1);
    await h().emit(randomUUID(), 1);
    const now = h().clock.now();
    const other = { owner: 'node_other', limit: 1, leaseUntil: now + 60_000 };
    const [theirs] = await h().store.claimDue(now, other);
    const dispatcher = h().dispatcher();
    await dispatcher.start();
    // (idle() would wait forever: the other node's head is due, and held.)
    await receiver.waitFor(() => receiver.requests.length === 1);
    await receiver.waitFor(() => {
      const { inFlight, unwritten } = dispatcher.stats();
      return inFlight === 0 && unwritten === 0;
    });
    assert.equal(receiver.requests.length, 1, 'only the head no one held');
    assert.notEqual(receiver.requests[0]?.callId, theirs?.callId);
    // Its lease expired (the other node died): this node takes it over.
    h().clock.advance(60_000);
    await receiver.waitFor(() => receiver.requests.length === 2);
    assert.equal(receiver.requests[1]?.callId, theirs?.callId);
  });

  it('a commit on the event bus wakes it', async () => {
    const { receiver } = await h().endpointWith();
    const dispatcher = h().dispatcher();
    await dispatcher.start();
    await dispatcher.idle();
    await h().emit(randomUUID(), 3); // publishes on the bus, as the call service does
    await receiver.waitFor(() => receiver.requests.length === 3, 2_000);
  });

  it('arms one clock timer, at the earliest due time', async () => {
    const { receiver } = await h().endpointWith((r) => ({ status: r.earlier < 1 ? 500 : 200 }));
    const dispatcher = h().dispatcher({ schedule: [0, 300, 300] });
    await dispatcher.start();
    await h().emit(randomUUID(), 1);
    await dispatcher.idle();
    h().clock.advance(100);
    await h().emit(randomUUID(), 1);
    await dispatcher.idle();
    // Two retries pending (due at 300 and 400); one timer.
    assert.equal(h().clock.pendingTimers, 1);
    h().clock.advance(200);
    await dispatcher.idle();
    assert.equal(receiver.requests.length, 3);
    assert.equal(h().clock.pendingTimers, 1);
    h().clock.advance(100);
    await dispatcher.idle();
    assert.equal(receiver.requests.length, 4);
    assert.equal(h().clock.pendingTimers, 0, 'nothing due, no timer');
  });

  it('stop() lets attempts in flight finish, writes their outcomes, and claims nothing more', async () => {
    const { id, receiver } = await h().endpointWith(() => ({ status: 200, delayMs: 100 }));
    const events = await h().emit(randomUUID(), 1);
    const dispatcher = h().dispatcher();
    await dispatcher.start();
    await receiver.waitFor(() => receiver.requests.length === 1);
    await dispatcher.stop();
    await assertDeliveredInOrder(h().store, id, receiver, events);

    await h().emit(randomUUID(), 1);
    dispatcher.wake();
    await sleep(50);
    assert.equal(receiver.requests.length, 1);
    assert.equal((await h().deliveries(id, 'pending')).length, 1);
  });

  it('stop() waits no longer than stopTimeoutMs for a hung attempt; its lease keeps it', async () => {
    const { id, receiver } = await h().endpointWith(() => 'hang');
    await h().emit(randomUUID(), 1);
    const dispatcher = h().dispatcher({ attemptTimeoutMs: 60_000, stopTimeoutMs: 5_000 });
    await dispatcher.start();
    await receiver.waitFor(() => receiver.requests.length === 1);
    let stopped = false;
    const stopping = dispatcher.stop().then(() => {
      stopped = true;
    });
    await sleep(20);
    assert.equal(stopped, false);
    h().clock.advance(5_000);
    await stopping;
    const [delivery] = await h().deliveries(id);
    assert.equal(delivery?.status, 'pending');
    assert.equal(delivery?.attemptCount, 0);
    // Leased: not claimed again until the lease runs out or a restart releases it.
    const now = h().clock.now();
    assert.deepEqual(
      await h().store.claimDue(now, { owner: 'node_b', limit: 10, leaseUntil: now + 1 }),
      [],
    );
  });
});
