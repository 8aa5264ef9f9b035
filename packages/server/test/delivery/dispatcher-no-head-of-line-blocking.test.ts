import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { EngineEvent } from '../../src/engine/call-state.ts';
import { harnessPerTest } from './dispatcher-harness.ts';

describe('dispatcher: nothing waits on an endpoint or a call that is not its own', {
  timeout: 30_000,
}, () => {
  const h = harnessPerTest();

  it('endpoint A hangs forever; endpoint B gets all its deliveries promptly', async () => {
    const a = await h().endpointWith(() => 'hang');
    // A's deliveries are older, so they come first in every claim.
    for (let i = 0; i < 30; i += 1) await h().emit(randomUUID(), 1);
    // From here on, events go to B only (A now filters on another stream).
    const aRecord = (await h().store.getEndpoint(a.id))!;
    await h().store.updateEndpoint({ ...aRecord, filter: { streamId: 'another-stream' } });
    const b = await h().endpointWith();
    const bEvents: EngineEvent[] = [];
    for (let i = 0; i < 30; i += 1) bEvents.push(...(await h().emit(randomUUID(), 3)));

    const dispatcher = h().dispatcher({
      claimLimit: 8,
      maxPerEndpoint: 4,
      attemptTimeoutMs: 60_000,
    });
    const started = performance.now();
    await dispatcher.start();
    await b.receiver.waitFor(() => b.receiver.requests.length === bEvents.length, 5_000);
    const took = performance.now() - started;

    assert.ok(took < 3_000, `B took ${Math.round(took)} ms`);
    assert.equal(a.receiver.requests.length, 4, 'A holds only its own 4 slots');
    assert.deepEqual(b.receiver.orderViolations, []);
    for (const callId of new Set(bEvents.map((e) => e.callId))) {
      assert.deepEqual(b.receiver.accepted(callId), [1, 2, 3]);
    }
    // Of A's surplus a claim takes only its slots' worth again (waiting behind A's own
    // attempts, to start the moment one ends); the rest is not claimed at all.
    await b.receiver.waitFor(
      () => dispatcher.stats().unwritten === 0 && dispatcher.stats().inFlight === 4,
    );
    assert.deepEqual(dispatcher.stats(), { inFlight: 4, waiting: 4, unwritten: 0 });
    assert.equal((await h().deliveries(a.id)).length, 30);
    assert.ok((await h().deliveries(b.id)).every((d) => d.status === 'delivered'));
  });

  it('on one endpoint, call X always fails while calls Y and Z keep flowing', async () => {
    const x = randomUUID();
    const { id, receiver } = await h().endpointWith((r) =>
      r.callId === x ? { status: 500 } : { status: 200 },
    );
    await h().emit(x, 3);
    const flowing = [...(await h().emit(randomUUID(), 5)), ...(await h().emit(randomUUID(), 5))];
    const dispatcher = h().dispatcher({ schedule: [0, 1000, 1000, 1000, 1000, 1000] });
    await dispatcher.start();
    await dispatcher.idle();
    // Y and Z are done without the clock moving at all.
    assert.equal(receiver.requests.filter((r) => r.callId !== x).length, 10);

    for (let i = 0; i < 3; i += 1) {
      h().clock.advance(1000);
      // New events of Y and Z go at once while X keeps failing.
      flowing.push(
        ...(await h().emit(flowing[0]!.callId, 1)),
        ...(await h().emit(flowing[5]!.callId, 1)),
      );
      await dispatcher.idle();
    }
    const xRequests = receiver.requests.filter((r) => r.callId === x);
    assert.deepEqual(
      xRequests.map((r) => [r.seq, r.attempt]),
      [
        [1, 1],
        [1, 2],
        [1, 3],
        [1, 4],
      ],
    );
    const others = (await h().deliveries(id)).filter((d) => d.callId !== x);
    assert.equal(others.length, 16);
    assert.ok(others.every((d) => d.status === 'delivered'));
    assert.deepEqual(
      receiver.orderViolations.filter((v) => !v.includes(x)),
      [],
    );
    for (const callId of [flowing[0]!.callId, flowing[5]!.callId]) {
      assert.deepEqual(receiver.accepted(callId), [1, 2, 3, 4, 5, 6, 7, 8]);
    }
  });
});
