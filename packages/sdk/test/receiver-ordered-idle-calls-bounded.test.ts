// An endpoint filtered without call.ended never sees its calls end, so ordered mode also
// bounds the idle calls it remembers (10,000): the least recently active is forgotten, and
// starts again at its next arrival like a call first seen mid-way. Busy calls stay.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { orderedCall } from './support/ordered-call.ts';

const REMEMBERED = 10_000;

describe('ordered receiver memory of idle calls', () => {
  it('forgets the least recently active idle call past 10,000', { timeout: 60_000 }, async () => {
    const call = orderedCall({ dedupe: false });
    assert.equal(await call.receive({ seq: 3, previousSeq: 0 }), 204);
    const next = randomUUID();
    for (const callId of [next, ...Array.from({ length: REMEMBERED - 1 }, () => randomUUID())]) {
      assert.equal(await call.receive({ seq: 3, previousSeq: 0 }, callId), 204);
    }
    // 10,001 calls: the first is forgotten, the second still remembered (its 7 waits for 5).
    const seventh = call.receive({ seq: 7, previousSeq: 5 }, next);
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(call.timers.pending.length, 1);
    assert.equal(await call.receive({ seq: 5, previousSeq: 3 }, next), 204);
    assert.equal(await seventh, 204);
    // The forgotten one takes its next arrival as the start: seq 9 is not held for 8.
    const ninth = call.receive({ seq: 9, previousSeq: 8 });
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(call.timers.pending.length, 0, 'seq 9 is not held');
    assert.equal(await ninth, 204);
    assert.deepEqual(
      call.seen.filter((seq) => seq !== 3),
      [5, 7, 9],
    );
  });

  it('never forgets a call with an event held', { timeout: 60_000 }, async () => {
    const call = orderedCall({ dedupe: false });
    assert.equal(await call.receive({ seq: 3, previousSeq: 0 }), 204);
    const seventh = call.receive({ seq: 7, previousSeq: 5 });
    for (let i = 0; i < REMEMBERED + 10; i += 1) {
      assert.equal(await call.receive({ seq: 3, previousSeq: 0 }, randomUUID()), 204);
    }
    assert.equal(call.timers.pending.length, 1, 'seq 7 still waits for 5');
    assert.equal(await call.receive({ seq: 5, previousSeq: 3 }), 204);
    assert.equal(await seventh, 204);
    assert.deepEqual(call.seen.slice(-2), [5, 7]);
  });
});
