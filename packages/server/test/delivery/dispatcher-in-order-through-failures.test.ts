import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { EngineEvent } from '../../src/engine/call-state.ts';
import {
  assertDeliveredInOrder,
  type DeliveryWithAttempts,
  type Harness,
  openHarness,
} from './dispatcher-harness.ts';
import { closedPort } from './loopback-server.ts';
import { type Receiver, type Reply, startReceiver } from './webhook-receiver.ts';

// Short steps instead of minutes: the clock is manual, the order rules are the same.
const schedule = [0, 10, 20, 30, 40, 50, 60, 70];

describe('dispatcher: every event arrives, in seq order per call, through a misbehaving receiver', {
  timeout: 30_000,
}, () => {
  let h: Harness;
  let receiver: Receiver | undefined;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
    await h.close();
  });

  /** Three calls of four events each, interleaved as commands on different calls would be. */
  async function emitCalls(): Promise<EngineEvent[]> {
    const calls = [randomUUID(), randomUUID(), randomUUID()];
    const events: EngineEvent[] = [];
    for (let round = 0; round < 2; round += 1) {
      for (const callId of calls) events.push(...(await h.emit(callId, 2)));
    }
    return events;
  }

  async function deliverThrough(
    failFirst: number,
    failure: Reply,
    options: { attemptTimeoutMs?: number } = {},
  ): Promise<DeliveryWithAttempts> {
    const { id, secret } = await h.addEndpoint('http://placeholder.invalid/');
    const started = await startReceiver({
      secret,
      behave: (r) => (r.earlier < failFirst ? failure : { status: 200 }),
    });
    receiver = started;
    await h.store.updateEndpoint({ ...(await h.store.getEndpoint(id))!, url: started.url });
    const events = await emitCalls();
    const dispatcher = h.dispatcher({ schedule, ...options });
    await dispatcher.start();
    await h.settle(dispatcher);

    await assertDeliveredInOrder(h.store, id, started, events);
    for (const event of events) {
      const attempts = started.requests.filter((r) => r.eventId === event.id);
      assert.equal(attempts.length, failFirst + 1, `attempts of ${event.callId}/${event.seq}`);
    }
    return (await h.deliveries(id))[0]!;
  }

  it('answers 500 to the first two attempts of each event', async () => {
    const first = await deliverThrough(2, { status: 500, body: 'try later' });
    assert.deepEqual(
      receiver!.requests.filter((r) => r.seq === 1).map((r) => r.attempt),
      [1, 1, 1, 2, 2, 2, 3, 3, 3],
    );
    assert.deepEqual(
      first.attempts.map((a) => [a.statusCode, a.error, a.responseBody]),
      [
        [500, 'HTTP 500', 'try later'],
        [500, 'HTTP 500', 'try later'],
        [200, null, ''],
      ],
    );
  });

  it('never answers the first attempt (attempt timeout)', async () => {
    const first = await deliverThrough(1, 'hang', { attemptTimeoutMs: 400 });
    assert.match(first.attempts[0]!.error ?? '', /^timeout: /);
  });

  it('resets the connection on the first three attempts', async () => {
    const first = await deliverThrough(3, 'reset');
    assert.match(first.attempts[0]!.error ?? '', /^connection_reset: /);
  });

  it('is down (connection refused) for a while, then up on the same port', async () => {
    const port = await closedPort();
    const { id, secret } = await h.addEndpoint(`http://127.0.0.1:${port}/hook`);
    const events = await emitCalls();
    const dispatcher = h.dispatcher({ schedule });
    await dispatcher.start();
    await dispatcher.idle();
    h.clock.advance(10);
    await dispatcher.idle();
    h.clock.advance(20);
    await dispatcher.idle();

    // Three refused attempts on each call's head, and nothing past the heads.
    for (const d of await h.deliveries(id)) {
      if (d.seq === 1) {
        assert.equal(d.attemptCount, 3);
        assert.match(d.attempts[0]!.error ?? '', /^connect_refused: /);
      } else {
        assert.equal(d.attemptCount, 0);
      }
    }

    receiver = await startReceiver({ secret, port });
    await h.settle(dispatcher);
    await assertDeliveredInOrder(h.store, id, receiver, events);
    assert.equal(receiver.requests.length, events.length);
    for (const r of receiver.requests) assert.equal(r.attempt, r.seq === 1 ? 4 : 1);
  });
});
