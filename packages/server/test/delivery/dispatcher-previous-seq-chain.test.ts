import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { callWithGaps, GAPPY_CHAIN, GAPPY_TYPES } from '../store/fixtures/call-with-gaps.ts';
import { harnessPerTest } from './dispatcher-harness.ts';
import type { ReceivedRequest } from './webhook-receiver.ts';

// An endpoint filtered by type sees gaps in callhook-seq; callhook-previous-seq (docs/contract.md
// §4) names the one event an ordered receiver waits for. Sent for real, through the
// dispatcher to a verifying loopback receiver, through a retry in the middle of a chain.

describe('dispatcher: a filtered endpoint gets previous-seq chains without gaps', {
  timeout: 30_000,
}, () => {
  const h = harnessPerTest();

  it('each request names the seq accepted just before it in its call, 0 first', async () => {
    const calls = [randomUUID(), randomUUID()];
    // The first attempt of call 0's seq 5 fails: its retry must keep the chain.
    const failOnce = (r: ReceivedRequest) =>
      r.callId === calls[0] && r.seq === 5 && r.earlier === 0 ? { status: 500 } : { status: 200 };
    const { id, receiver } = await h().endpointWith(failOnce);
    const stored = (await h().store.getEndpoint(id))!;
    await h().store.updateEndpoint({ ...stored, eventTypes: [...GAPPY_TYPES] });
    const all = await h().endpointWith();

    const dispatcher = h().dispatcher({ schedule: [0, 10, 10] });
    await dispatcher.start();
    const base = h().clock.now();
    // Interleaved: each call's events alternate with the other's.
    for (const [from, to] of [
      [1, 2],
      [3, 5],
      [6, 6],
    ] as const) {
      for (const callId of calls) await callWithGaps(h().calls, callId, base, from, to);
    }
    await h().settle(dispatcher);

    assert.equal(receiver.requests.filter((r) => r.signatureError !== null).length, 0);
    for (const callId of calls) {
      const accepted = receiver.requests.filter(
        (r) => r.callId === callId && !(r.callId === calls[0] && r.seq === 5 && r.earlier === 0),
      );
      assert.deepEqual(
        accepted.map((r) => [r.seq, r.previousSeq]),
        GAPPY_CHAIN,
        `call ${callId}: the chain, in arrival order`,
      );
      assert.deepEqual(receiver.accepted(callId), [2, 5, 6]);
    }
    const retried = receiver.requests.filter((r) => r.callId === calls[0] && r.seq === 5);
    assert.deepEqual(
      retried.map((r) => [r.attempt, r.previousSeq]),
      [
        [1, 2],
        [2, 2],
      ],
    );
    // Unfiltered, the chain is every seq.
    for (const callId of calls) {
      assert.deepEqual(
        all.receiver.requests.filter((r) => r.callId === callId).map((r) => r.previousSeq),
        [0, 1, 2, 3, 4, 5],
      );
    }
  });
});
