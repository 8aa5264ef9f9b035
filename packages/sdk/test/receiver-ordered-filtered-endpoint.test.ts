// An endpoint filtered by type sees gaps in callhook-seq; ordered mode waits only for the
// event callhook-previous-seq names, so the filtered-out seqs never hold anything back.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { OrderingGapError } from '@callhook/sdk';
import { chainOf, closeServedCalls, servedCall } from './support/ordered-call.ts';

// A held request that is never answered must fail the test, not hang the run.
const bounded = { timeout: 10_000 };

after(closeServedCalls);

describe('ordered receiver of an endpoint filtered to call.dtmf and call.ended', () => {
  const chain = chainOf(['call.dtmf', 'call.ended']);

  it('is sent seqs 3, 5, 7, 9, each naming the one before', () => {
    assert.deepEqual(chain, [
      { seq: 3, previousSeq: 0 },
      { seq: 5, previousSeq: 3 },
      { seq: 7, previousSeq: 5 },
      { seq: 9, previousSeq: 7 },
    ]);
  });

  it('runs each event as it comes when they come in order', bounded, async () => {
    const call = await servedCall();
    for (const step of chain) {
      assert.equal(await call.post(step), 204);
      // Answered at once, with nothing held: no gap timer was ever needed.
      assert.equal(call.timers.pending.length, 0);
    }
    assert.deepEqual(call.seen, [3, 5, 7, 9]);
    assert.deepEqual(call.errors, []);
  });

  it('puts shuffled arrivals back in order without any gap timeout', bounded, async () => {
    const call = await servedCall();
    // The first event is in its handler while the others arrive, last first.
    const first = call.block(3);
    const firstAnswer = call.post(chain[0]!);
    await first.started;
    const rest = [chain[3]!, chain[1]!, chain[2]!].map((step) => call.post(step));
    await call.whenArrived(4);
    first.release();
    // The timers are manual and never fired: had anything waited for a gap timeout, these
    // answers would never come.
    assert.deepEqual(await Promise.all([firstAnswer, ...rest]), [204, 204, 204, 204]);
    assert.deepEqual(call.seen, [3, 5, 7, 9]);
    assert.equal(call.timers.pending.length, 0, 'no gap timer left');
    assert.equal(call.errors.filter((e) => e instanceof OrderingGapError).length, 0);
    assert.deepEqual(call.errors, []);
  });

  it('holds the next event while the one it names is still running', bounded, async () => {
    const call = await servedCall();
    const fifth = call.block(5);
    assert.equal(await call.post(chain[0]!), 204);
    const fifthAnswer = call.post(chain[1]!);
    await fifth.started;
    const seventh = call.post(chain[2]!);
    await call.whenArrived(3);
    assert.deepEqual(call.seen, [3, 5], 'seq 7 waits for 5 to finish');
    fifth.release();
    assert.deepEqual(await Promise.all([fifthAnswer, seventh]), [204, 204]);
    assert.deepEqual(call.seen, [3, 5, 7]);
    assert.deepEqual(call.errors, []);
  });
});
