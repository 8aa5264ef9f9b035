import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { EngineEvent } from '../../src/engine/call-state.ts';
import { assertDeliveredInOrder, harnessPerTest } from './dispatcher-harness.ts';
import type { Receiver } from './webhook-receiver.ts';

// docs/contract.md §4: endpoints never wait on each other. An endpoint that accepts connections and
// never answers costs its own slots (maxPerEndpoint) until its own attempt timeout, nothing
// more: there is no global in-flight budget for hanging endpoints to fill.

const HANGING = 20;
const PER_ENDPOINT = 16;
const ATTEMPT_TIMEOUT_MS = 120_000;

describe('dispatcher: hanging endpoints do not delay a healthy one', { timeout: 90_000 }, () => {
  const h = harnessPerTest();

  it('20 endpoints that never answer, each with a backlog: the healthy one gets everything before any attempt could time out', async () => {
    const hanging: { id: string; receiver: Receiver }[] = [];
    for (let i = 0; i < HANGING; i += 1) hanging.push(await h().endpointWith(() => 'hang'));
    // Their backlogs are older than anything of the healthy endpoint, so they come first in
    // due order: more lanes each than it has slots.
    for (let i = 0; i < PER_ENDPOINT + 4; i += 1) await h().emit(randomUUID(), 1);
    for (const { id } of hanging) {
      const record = (await h().store.getEndpoint(id))!;
      await h().store.updateEndpoint({ ...record, filter: { streamId: 'another-stream' } });
    }
    const healthy = await h().endpointWith();
    const events: EngineEvent[] = [];
    for (let i = 0; i < 40; i += 1) events.push(...(await h().emit(randomUUID(), 2)));

    // The defaults (16 per endpoint, a claim of at most 256), with attempts that outlast the
    // test: the old global budget of 256 was full until the hanging attempts timed out.
    const dispatcher = h().dispatcher({ attemptTimeoutMs: ATTEMPT_TIMEOUT_MS });
    const startedAt = h().clock.now();
    await dispatcher.start();
    await healthy.receiver.waitFor(() => allAccepted(healthy.receiver, events), 30_000);

    // Time stood still: every healthy delivery went out without waiting for any timer, and
    // no hanging attempt has ended (all 320 are still in flight, below).
    assert.equal(h().clock.now(), startedAt);
    const quiet = () => dispatcher.stats().inFlight === HANGING * PER_ENDPOINT;
    await healthy.receiver.waitFor(() => quiet() && dispatcher.stats().unwritten === 0);
    await assertDeliveredInOrder(h().store, healthy.id, healthy.receiver, events);
    // Each hanging endpoint holds exactly its own slots in flight, and what waits in memory
    // waits behind its own endpoint only: a claim takes no more of an endpoint than its slots
    // and as many again (here the rest of its backlog, 4 each).
    for (const { receiver } of hanging) {
      assert.equal(receiver.requests.length, PER_ENDPOINT);
      assert.equal(receiver.open, PER_ENDPOINT);
    }
    assert.deepEqual(dispatcher.stats(), {
      inFlight: HANGING * PER_ENDPOINT,
      waiting: HANGING * 4,
      unwritten: 0,
    });
  });

  it('a hanging endpoint’s backlog never fills a claim ahead of another endpoint’s heads', async () => {
    const claims: { endpointId: string }[][] = [];
    const write = h().store.recordAndClaim.bind(h().store);
    h().store.recordAndClaim = async (outcomes, now, claim) => {
      const claimed = await write(outcomes, now, claim);
      if (claimed.length > 0) claims.push(claimed);
      return claimed;
    };
    const stuck = await h().endpointWith(() => 'hang');
    for (let i = 0; i < 50; i += 1) await h().emit(randomUUID(), 1);
    const record = (await h().store.getEndpoint(stuck.id))!;
    await h().store.updateEndpoint({ ...record, filter: { streamId: 'another-stream' } });
    const healthy = await h().endpointWith();
    const events = await h().emit(randomUUID(), 1);

    const dispatcher = h().dispatcher({ claimLimit: 8, maxPerEndpoint: 4 });
    await dispatcher.start();
    await healthy.receiver.waitFor(() => healthy.receiver.requests.length === 1);

    // The very first claim held the healthy head, beside at most the stuck endpoint's share
    // (its 4 slots and 4 more to wait for them), though the stuck backlog is older and larger.
    const first = claims[0]!.map((d) => d.endpointId);
    assert.ok(first.filter((id) => id === stuck.id).length <= 8);
    assert.deepEqual(
      first.filter((id) => id !== stuck.id),
      [healthy.id],
    );
    // Once its attempt is over and written, only the stuck endpoint's 4 are out.
    await healthy.receiver.waitFor(
      () => dispatcher.stats().inFlight === 4 && dispatcher.stats().unwritten === 0,
    );
    await assertDeliveredInOrder(h().store, healthy.id, healthy.receiver, events);
  });
});

function allAccepted(receiver: Receiver, events: readonly EngineEvent[]): boolean {
  return events.every((e) => receiver.accepted(e.callId).includes(e.seq));
}
