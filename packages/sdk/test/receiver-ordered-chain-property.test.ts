// Property: whatever part of a call an endpoint is sent (any subsequence, with its
// previous-seq chain) and in whatever order it arrives after the receiver's start, handlers
// see it in seq order and nothing waits for a gap timeout.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CALL_TYPES, orderedCall, stepsOf } from './support/ordered-call.ts';

const SEQS = CALL_TYPES.map((_, i) => i + 1);

// The seqs this endpoint is sent; where this receiver joins (0: from the endpoint's first
// event; later: a receiver started mid-call, the earlier ones went elsewhere); the order in
// which the rest arrive.
const scenario = fc.subarray(SEQS, { minLength: 1 }).chain((sent) =>
  fc.record({
    sent: fc.constant(sent),
    join: fc.nat({ max: sent.length - 1 }),
    order: fc.shuffledSubarray(sent, { minLength: sent.length, maxLength: sent.length }),
    dedupe: fc.boolean(),
  }),
);

describe('ordered receiver, any subsequence in any order', () => {
  it('hands the events over in seq order, with no gap timeout', { timeout: 30_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ sent, join, order, dedupe }) => {
        const call = orderedCall({ dedupe });
        const steps = new Map(stepsOf(sent).map((step) => [step.seq, step]));
        const first = sent[join]!;
        const arrival = [first, ...order.filter((seq) => seq > first)];
        // All at once: the first is handed over first, the others while it and each
        // other are held or running.
        const statuses = await Promise.all(arrival.map((seq) => call.receive(steps.get(seq)!)));
        // The timers are manual and were never fired, so nothing waited for one.
        assert.ok(statuses.every((status) => status === 204));
        assert.deepEqual(call.seen, sent.slice(join));
        assert.equal(call.timers.pending.length, 0);
        assert.deepEqual(call.errors, []);
      }),
      { numRuns: 200 },
    );
  });
});
