// A real gap: the event callhook-previous-seq names never comes. The gap timeout is the
// backstop: the held event goes on after it, and a sequence_gap names the missing seq.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { OrderingGapError } from '@callhook/sdk';
import { closeServedCalls, orderedCall, servedCall } from './support/ordered-call.ts';

const bounded = { timeout: 10_000 };

after(closeServedCalls);

describe('ordered receiver when the previous seq never arrives', () => {
  it('waits the gap timeout, reports sequence_gap and goes on', bounded, async () => {
    const call = await servedCall({ ordered: { gapTimeoutMs: 7000 } });
    assert.equal(await call.post({ seq: 3, previousSeq: 0 }), 204);
    const seventh = call.post({ seq: 7, previousSeq: 5 });
    await call.timers.whenPending(1);
    assert.equal(call.timers.pending[0]?.ms, 7000);
    assert.deepEqual(call.seen, [3], 'seq 7 is held while 5 is missing');

    call.timers.fireAll();
    assert.equal(await seventh, 204);
    assert.equal(call.errors.length, 1);
    const gap = call.errors[0];
    assert.ok(gap instanceof OrderingGapError);
    assert.equal(gap.code, 'sequence_gap');
    assert.equal(gap.callId, call.callId);
    // Only 5 is known to be missing: 4 and 6 may never have been meant for this endpoint.
    assert.deepEqual(gap.missingSeqs, [5]);

    assert.equal(await call.post({ seq: 5, previousSeq: 3 }), 204); // late: at once
    assert.equal(await call.post({ seq: 9, previousSeq: 7 }), 204); // the order goes on from 7
    assert.deepEqual(call.seen, [3, 7, 5, 9]);
    assert.equal(call.timers.pending.length, 0);
    assert.equal(call.errors.length, 1);
  });

  it('gives up one missing event at a time along the chain', bounded, async () => {
    // Straight to receive(), so that both are surely held before the first timeout.
    const call = orderedCall();
    assert.equal(await call.receive({ seq: 1, previousSeq: 0 }), 204);
    const held = [
      call.receive({ seq: 5, previousSeq: 4 }),
      call.receive({ seq: 9, previousSeq: 7 }),
    ];
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(call.timers.pending.length, 1, 'one gap timer per call');
    call.timers.fireAll(); // 4 given up: 5 runs, 9 still waits for 7
    await call.timers.whenPending(1);
    assert.deepEqual(call.seen, [1, 5]);
    call.timers.fireAll(); // 7 given up: 9 runs
    assert.deepEqual(await Promise.all(held), [204, 204]);
    assert.deepEqual(call.seen, [1, 5, 9]);
    assert.deepEqual(
      call.errors.map((e) => (e as OrderingGapError).missingSeqs),
      [[4], [7]],
    );
  });
});
