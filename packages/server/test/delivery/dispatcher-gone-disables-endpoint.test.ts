import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type Harness, openHarness } from './dispatcher-harness.ts';
import { type Receiver, startReceiver } from './webhook-receiver.ts';

describe('dispatcher: 410 Gone disables the endpoint and stops sending to it', {
  timeout: 30_000,
}, () => {
  let h: Harness;
  let receiver: Receiver | undefined;
  let other: Receiver | undefined;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(async () => {
    await receiver?.close();
    await other?.close();
    await h.close();
  });

  it('fails the delivery, disables the endpoint as gone, and sends it nothing more', async () => {
    const gone = await h.addEndpoint('http://placeholder.invalid/');
    receiver = await startReceiver({ secret: gone.secret, behave: () => ({ status: 410 }) });
    await h.store.updateEndpoint({ ...(await h.store.getEndpoint(gone.id))!, url: receiver.url });
    const healthy = await h.addEndpoint('http://placeholder.invalid/');
    other = await startReceiver({ secret: healthy.secret });
    await h.store.updateEndpoint({ ...(await h.store.getEndpoint(healthy.id))!, url: other.url });

    await h.emit(randomUUID(), 3);
    await h.emit(randomUUID(), 1);
    await h.emit(randomUUID(), 1);
    // One attempt at a time to it: the other claimed lane heads wait, and must not go after the 410.
    const dispatcher = h.dispatcher({ schedule: [0, 10, 10], maxPerEndpoint: 1 });
    await dispatcher.start();
    await h.settle(dispatcher);
    await h.emit(randomUUID(), 2);
    await h.settle(dispatcher);
    h.clock.advance(60 * 60_000);
    await dispatcher.idle();

    assert.equal(receiver.requests.length, 1);
    const endpoint = await h.store.getEndpoint(gone.id);
    assert.equal(endpoint?.enabled, false);
    assert.equal(endpoint?.disabledReason, 'gone');
    const items = await h.deliveries(gone.id);
    assert.deepEqual(
      items.map((d) => [d.seq, d.status, d.attemptCount]),
      [
        [1, 'failed', 1],
        [2, 'pending', 0],
        [3, 'pending', 0],
        [1, 'pending', 0],
        [1, 'pending', 0],
      ],
      'no deliveries for the later call: the endpoint was disabled when it came',
    );
    assert.equal(items[0]!.attempts[0]!.error, 'HTTP 410');
    // The other endpoint got everything.
    assert.equal(other.requests.length, 7);
    assert.equal(await h.store.nextDueAt(), null);
  });
});
