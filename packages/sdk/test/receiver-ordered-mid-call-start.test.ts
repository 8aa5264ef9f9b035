// A receiver with no memory of a call (started mid-call, or restarted) takes the first event
// it is sent as the start: it does not wait for the seqs before it, which went elsewhere.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { closeServedCalls, servedCall } from './support/ordered-call.ts';

const bounded = { timeout: 10_000 };

after(closeServedCalls);

describe('ordered receiver created mid-call', () => {
  it('runs its first arrival at once and goes on from there', bounded, async () => {
    const call = await servedCall();
    // Seqs 1–4 were handled before this receiver existed.
    assert.equal(await call.post({ seq: 5, previousSeq: 4 }), 204);
    assert.equal(call.timers.pending.length, 0, 'nothing waits for seqs 1–4');
    assert.equal(await call.post({ seq: 6, previousSeq: 5 }), 204);
    assert.deepEqual(call.seen, [5, 6]);
    assert.deepEqual(call.errors, []);
  });

  it('still orders what comes after the first arrival', bounded, async () => {
    const call = await servedCall();
    const seventh = call.post({ seq: 7, previousSeq: 6 });
    await call.whenArrived(1);
    // 7 arrives first, 6 is never sent again: 7 is the start. 9 then waits for 8.
    assert.equal(await seventh, 204);
    const ninth = call.post({ seq: 9, previousSeq: 8 });
    await call.timers.whenPending(1);
    assert.deepEqual(call.seen, [7]);
    assert.equal(await call.post({ seq: 8, previousSeq: 7 }), 204);
    assert.equal(await ninth, 204);
    assert.deepEqual(call.seen, [7, 8, 9]);
    assert.equal(call.timers.pending.length, 0);
    assert.deepEqual(call.errors, []);
  });

  it('hands an event from before its start over at once, late', bounded, async () => {
    const call = await servedCall();
    assert.equal(await call.post({ seq: 5, previousSeq: 3 }), 204);
    assert.equal(await call.post({ seq: 3, previousSeq: 1 }), 204);
    assert.deepEqual(call.seen, [5, 3]);
    assert.equal(call.timers.pending.length, 0);
  });

  it(
    'keeps a failed first arrival expected: the next one waits for its retry',
    bounded,
    async () => {
      const call = await servedCall();
      let failures = 1;
      call.receiver.on('call.dtmf', () => {
        if (failures-- > 0) throw new Error('the bot is not ready yet');
      });
      assert.equal(await call.post({ seq: 5, previousSeq: 3 }), 500);
      const seventh = call.post({ seq: 7, previousSeq: 5 });
      await call.timers.whenPending(1);
      assert.deepEqual(call.seen, [5]);
      assert.equal(await call.post({ seq: 5, previousSeq: 3 }), 204); // the sender's retry
      assert.equal(await seventh, 204);
      assert.deepEqual(call.seen, [5, 5, 7]);
    },
  );

  it(
    'without callhook-previous-seq (an older server) waits for seq 1 as before',
    bounded,
    async () => {
      const call = await servedCall();
      const fifth = call.post({ seq: 5 });
      await call.timers.whenPending(1);
      assert.deepEqual(call.seen, []);
      call.timers.fireAll();
      assert.equal(await fifth, 204);
      assert.deepEqual(call.seen, [5]);
    },
  );
});
