import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { EngineEvent } from '../../src/engine/call-state.ts';
import { InProcessChangeFeed } from '../../src/store/in-process-change-feed.ts';
import { assertDeliveredInOrder, harnessPerTest } from './dispatcher-harness.ts';

// Another node's commit (PostgreSQL NOTIFY, or the poll) wakes the dispatcher after
// remoteWakeDelayMs (default 0: at once), once for all such notices meanwhile. A change this
// node made wakes it at once. The feed here stands in for the store's: only what the test publishes wakes
// the dispatcher.

describe('dispatcher: a change another node made wakes it later, once', { timeout: 30_000 }, () => {
  const h = harnessPerTest();

  /** Counts the claims that took something, and when each came back. */
  function watchClaims(): { at: number[] } {
    const seen = { at: [] as number[] };
    const write = h().store.recordAndClaim.bind(h().store);
    h().store.recordAndClaim = async (outcomes, now, claim) => {
      const claimed = await write(outcomes, now, claim);
      if (claimed.length > 0) seen.at.push(performance.now());
      return claimed;
    };
    return seen;
  }

  const notice = (fromAnotherNode: boolean) => ({
    events: { types: ['call.dtmf'], lastPosition: 1 },
    ...(fromAnotherNode && { fromAnotherNode: true as const }),
  });

  it('notices from another node: one claim, no sooner than the delay after the first', async () => {
    const claims = watchClaims();
    const feed = new InProcessChangeFeed();
    const { id, receiver } = await h().endpointWith();
    const dispatcher = h().dispatcher({ changes: feed, remoteWakeDelayMs: 300 });
    await dispatcher.start();
    await dispatcher.idle();
    const events: EngineEvent[] = [];
    for (let i = 0; i < 4; i += 1) events.push(...(await h().emit(randomUUID(), 1)));

    const first = performance.now();
    for (let i = 0; i < 5; i += 1) feed.publish(notice(true));
    await receiver.waitFor(() => receiver.requests.length === 4);
    await dispatcher.idle();

    await assertDeliveredInOrder(h().store, id, receiver, events);
    assert.equal(claims.at.length, 1, 'the five notices woke one claim');
    assert.ok(claims.at[0]! - first >= 300, `claimed ${claims.at[0]! - first} ms after`);
  });

  it("this node's own change wakes it at once, also while another node's wake is pending", async () => {
    const claims = watchClaims();
    const feed = new InProcessChangeFeed();
    const { id, receiver } = await h().endpointWith();
    // A delay far beyond the test's timeout: only the local notice can have woken it.
    const dispatcher = h().dispatcher({ changes: feed, remoteWakeDelayMs: 600_000 });
    await dispatcher.start();
    await dispatcher.idle();
    const events = await h().emit(randomUUID(), 2);
    feed.publish(notice(true));
    feed.publish(notice(false));
    await receiver.waitFor(() => receiver.requests.length === 2);
    await dispatcher.idle();
    await assertDeliveredInOrder(h().store, id, receiver, events);
    assert.ok(claims.at.length >= 1);
    await dispatcher.stop(); // and the pending wake is cancelled: the process can exit
  });

  it('remoteWakeDelayMs 0 wakes at once', async () => {
    const feed = new InProcessChangeFeed();
    const { id, receiver } = await h().endpointWith();
    const dispatcher = h().dispatcher({ changes: feed, remoteWakeDelayMs: 0 });
    await dispatcher.start();
    await dispatcher.idle();
    const events = await h().emit(randomUUID(), 1);
    feed.publish(notice(true));
    await receiver.waitFor(() => receiver.requests.length === 1);
    await dispatcher.idle(); // the outcome is written after the receiver answered
    await assertDeliveredInOrder(h().store, id, receiver, events);
  });

  it('a negative remoteWakeDelayMs is refused', () => {
    assert.throws(() => h().dispatcher({ remoteWakeDelayMs: -1 }), /remoteWakeDelayMs/);
  });
});
