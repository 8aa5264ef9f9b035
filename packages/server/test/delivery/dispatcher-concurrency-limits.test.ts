import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { EngineEvent } from '../../src/engine/call-state.ts';
import { assertDeliveredInOrder, harnessPerTest } from './dispatcher-harness.ts';

describe('dispatcher: concurrency stays within its limits, outcomes are written in batches', {
  timeout: 30_000,
}, () => {
  const h = harnessPerTest();

  it('at most maxPerEndpoint per endpoint, each reaches it, and no claim is over claimLimit', async () => {
    const claims: number[] = [];
    const write = h().store.recordAndClaim.bind(h().store);
    h().store.recordAndClaim = async (outcomes, now, claim) => {
      const claimed = await write(outcomes, now, claim);
      if (claim) claims.push(claimed.length);
      return claimed;
    };
    let maxTotal = 0;
    const slow = () => {
      maxTotal = Math.max(
        maxTotal,
        // Called during the attempts, once both endpoints exist.
        [a, b].reduce((n, e) => n + e.receiver.open, 0),
      );
      return { status: 200, delayMs: 60 }; // long enough to overlap on a busy machine
    };
    // A's lanes are all older than B's, so every early claim is all A: only the limit holds it.
    const a = await h().endpointWith(slow);
    const aEvents: EngineEvent[] = [];
    for (let i = 0; i < 20; i += 1) aEvents.push(...(await h().emit(randomUUID(), 2)));
    const aRecord = (await h().store.getEndpoint(a.id))!;
    await h().store.updateEndpoint({ ...aRecord, filter: { streamId: 'another-stream' } });
    const b = await h().endpointWith(slow);
    const bEvents: EngineEvent[] = [];
    for (let i = 0; i < 20; i += 1) bEvents.push(...(await h().emit(randomUUID(), 2)));
    const dispatcher = h().dispatcher({ claimLimit: 5, maxPerEndpoint: 3 });
    await dispatcher.start();
    await dispatcher.idle();

    await assertDeliveredInOrder(h().store, a.id, a.receiver, aEvents);
    await assertDeliveredInOrder(h().store, b.id, b.receiver, bEvents);
    assert.equal(a.receiver.maxOpen, 3);
    // B's lanes are all younger, yet it gets its own slots while A's are in use: no global
    // budget is shared between them, only the claim size is bounded.
    assert.equal(b.receiver.maxOpen, 3);
    assert.equal(maxTotal, 6);
    assert.ok(Math.max(...claims) <= 5, `claims of ${Math.max(...claims)}`);
  });

  it('writes the outcomes of attempts that finish together in one transaction', async () => {
    const batches: number[] = [];
    const write = h().store.recordAndClaim.bind(h().store);
    h().store.recordAndClaim = async (outcomes, now, claim) => {
      if (outcomes.length > 0) batches.push(outcomes.length);
      return write(outcomes, now, claim);
    };
    const { id, receiver } = await h().endpointWith();
    const events: EngineEvent[] = [];
    for (let i = 0; i < 200; i += 1) events.push(...(await h().emit(randomUUID(), 1)));
    const dispatcher = h().dispatcher({ maxPerEndpoint: 16 });
    await dispatcher.start();
    await dispatcher.idle();

    await assertDeliveredInOrder(h().store, id, receiver, events);
    assert.equal(
      batches.reduce((n, b) => n + b, 0),
      200,
    );
    assert.ok(batches.length < 100, `${batches.length} writes for 200 outcomes`);
    assert.ok(Math.max(...batches) > 1);
  });

  it('wakes within minTurnIntervalMs of the last run share one transaction', async () => {
    const claims: number[] = [];
    const write = h().store.recordAndClaim.bind(h().store);
    h().store.recordAndClaim = async (outcomes, now, claim) => {
      const claimed = await write(outcomes, now, claim);
      if (claimed.length > 0) claims.push(claimed.length);
      return claimed;
    };
    const { id, receiver } = await h().endpointWith();
    // Long enough that the five commits below, each waking the loop, all land inside it.
    const dispatcher = h().dispatcher({ minTurnIntervalMs: 400 });
    await dispatcher.start();
    const first = await h().emit(randomUUID(), 1);
    await receiver.waitFor(() => receiver.requests.length === 1);
    const rest: EngineEvent[] = [];
    for (let i = 0; i < 5; i += 1) rest.push(...(await h().emit(randomUUID(), 1)));
    await dispatcher.idle();

    await assertDeliveredInOrder(h().store, id, receiver, [...first, ...rest]);
    assert.deepEqual(claims, [1, 5], 'the five later events went out in one claim');
  });
});
