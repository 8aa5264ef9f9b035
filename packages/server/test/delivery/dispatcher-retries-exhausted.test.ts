import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { harnessPerTest } from './dispatcher-harness.ts';

describe('dispatcher: a delivery whose retries run out is failed, and its call moves on', {
  timeout: 30_000,
}, () => {
  const h = harnessPerTest();

  it('schedule [0, 100, 200]: three attempts of seq 2, then seq 3 goes', async () => {
    const callId = randomUUID();
    const { id, receiver } = await h().endpointWith((r) =>
      r.seq === 2 ? { status: 500 } : { status: 200 },
    );
    const events = await h().emit(callId, 4);
    const dispatcher = h().dispatcher({ schedule: [0, 100, 200] });
    await dispatcher.start();
    await dispatcher.idle();
    const t0 = h().clock.now();
    assert.deepEqual(
      receiver.requests.map((r) => [r.seq, r.attempt]),
      [
        [1, 1],
        [2, 1],
      ],
    );
    h().clock.advance(99);
    await dispatcher.idle();
    assert.equal(receiver.requests.length, 2);
    h().clock.advance(1);
    await dispatcher.idle();
    h().clock.advance(200);
    await dispatcher.idle();

    assert.deepEqual(
      receiver.requests.map((r) => [r.seq, r.attempt, r.eventId]),
      [
        [1, 1, events[0]!.id],
        [2, 1, events[1]!.id],
        [2, 2, events[1]!.id],
        [2, 3, events[1]!.id],
        [3, 1, events[2]!.id],
        [4, 1, events[3]!.id],
      ],
    );
    const items = await h().deliveries(id);
    assert.deepEqual(
      items.map((d) => [d.seq, d.status, d.attemptCount]),
      [
        [1, 'delivered', 1],
        [2, 'failed', 3],
        [3, 'delivered', 1],
        [4, 'delivered', 1],
      ],
    );
    assert.deepEqual(
      items[1]!.attempts.map((a) => [a.attempt, a.startedAt - t0, a.error]),
      [
        [1, 0, 'HTTP 500'],
        [2, 100, 'HTTP 500'],
        [3, 300, 'HTTP 500'],
      ],
    );
    assert.equal(await h().store.nextDueAt(), null);
  });
});
