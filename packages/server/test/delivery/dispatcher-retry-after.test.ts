import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { assertDeliveredInOrder, harnessPerTest } from './dispatcher-harness.ts';

describe('dispatcher: 429 and 503 with Retry-After delay the next attempt by that much', {
  timeout: 30_000,
}, () => {
  const h = harnessPerTest();

  for (const status of [429, 503]) {
    it(`${status} with Retry-After: 30 waits 30 s, not the scheduled 10 ms`, async () => {
      const { id, receiver } = await h().endpointWith((r) =>
        r.seq === 1 && r.earlier === 0
          ? { status, headers: { 'retry-after': '30' } }
          : { status: 200 },
      );
      const events = await h().emit(randomUUID(), 2);
      const dispatcher = h().dispatcher({ schedule: [0, 10, 10] });
      await dispatcher.start();
      await dispatcher.idle();
      const firstAt = h().clock.now();
      assert.equal(receiver.requests.length, 1);
      assert.equal(await h().store.nextDueAt(), firstAt + 30_000);

      h().clock.advance(29_999);
      await dispatcher.idle();
      assert.equal(receiver.requests.length, 1, 'nothing before Retry-After has passed');

      h().clock.advance(1);
      await dispatcher.idle();
      assert.equal(receiver.requests.length, 3, 'the retry, then the call’s next event');
      assert.equal(receiver.requests[1]!.timestamp, Math.floor((firstAt + 30_000) / 1000));
      await assertDeliveredInOrder(h().store, id, receiver, events);
      const [delivery] = await h().deliveries(id);
      assert.deepEqual(
        delivery!.attempts.map((a) => [a.startedAt - firstAt, a.statusCode]),
        [
          [0, status],
          [30_000, 200],
        ],
      );
    });
  }
});
