// A replay (POST /v1/endpoints/:id/replay) sends a call's events again from some point on,
// with their original webhook-id and a previous-seq chain of its own. It must not stall an
// ordered receiver, whether the receiver remembers the call or not.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { chainOf, closeServedCalls, servedCall } from './support/ordered-call.ts';

const bounded = { timeout: 10_000 };

after(closeServedCalls);

// The endpoint takes call.dtmf and call.ended: seqs 3, 5, 7, 9.
const chain = chainOf(['call.dtmf', 'call.ended']);
const [third, fifth, seventh, ninth] = [chain[0]!, chain[1]!, chain[2]!, chain[3]!];

describe('replay mid-call into an ordered receiver', () => {
  it('hands replayed events it has already passed over at once', bounded, async () => {
    // Dedupe off, so the replayed events reach the sequencer instead of being skipped.
    const call = await servedCall({ dedupe: false });
    for (const step of [third, fifth, seventh]) assert.equal(await call.post(step), 204);
    // Replay since the time of seq 5, while the call goes on live with seq 9.
    const answers = await Promise.all([call.post(fifth), call.post(seventh), call.post(ninth)]);
    assert.deepEqual(answers, [204, 204, 204]);
    assert.deepEqual(call.seen.slice(0, 3), [3, 5, 7]);
    assert.deepEqual(
      call.seen.slice(3).sort((a, b) => a - b),
      [5, 7, 9],
    );
    assert.equal(call.timers.pending.length, 0, 'nothing waited for a gap');
    assert.deepEqual(call.errors, []);
  });

  it('is the start for a receiver that restarted and forgot the call', bounded, async () => {
    const call = await servedCall();
    // The replay begins at seq 5; seq 3 was handled by the receiver's previous process.
    assert.equal(await call.post({ ...fifth, id: 'replayed-5' }), 204);
    assert.equal(call.timers.pending.length, 0);
    assert.equal(await call.post({ ...seventh, id: 'replayed-7' }), 204);
    assert.equal(await call.post({ ...ninth, id: 'replayed-9' }), 204);
    assert.deepEqual(call.seen, [5, 7, 9]);
    assert.deepEqual(call.errors, []);
  });

  it('fills the gap left by an event the sender gave up on', bounded, async () => {
    const call = await servedCall({ ordered: { gapTimeoutMs: 1000 } });
    assert.equal(await call.post(third), 204);
    // Seq 5 ran out of retries; the sender moved on to 7, which waits for 5 until the timeout.
    const late = call.post(seventh);
    await call.timers.whenPending(1);
    call.timers.fireAll();
    assert.equal(await late, 204);
    // The replay of 5 comes after 7 was handled: at once, not held for anything.
    assert.equal(await call.post(fifth), 204);
    assert.equal(await call.post(ninth), 204);
    assert.deepEqual(call.seen, [3, 7, 5, 9]);
    assert.equal(call.timers.pending.length, 0);
  });
});
