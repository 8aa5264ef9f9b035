import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AckBook, endToEndLatency } from '../lib/e2e-latency.ts';

// End-to-end latency joins two processes' records on (callId, seq): the ack time of the
// command that emitted the event, and the event's arrival at the receiver.

test('each arrival is matched to the ack of the command that emitted its seq', () => {
  const acks = new AckBook();
  acks.record({ callId: 'a', firstSeq: 1, lastSeq: 1, atMs: 100 }); // create
  acks.record({ callId: 'a', firstSeq: 2, lastSeq: 1, atMs: 105 }); // join: no event
  acks.record({ callId: 'a', firstSeq: 2, lastSeq: 4, atMs: 110 }); // DTMF "12#"
  acks.record({ callId: 'b', firstSeq: 1, lastSeq: 1, atMs: 200 });
  assert.equal(acks.size, 5);
  assert.equal(acks.firstAtMs, 100);

  const latency = endToEndLatency(acks, {
    callIds: ['a', 'a', 'a', 'a', 'b'],
    seqs: [1, 2, 3, 4, 1],
    atMs: [101, 111, 112, 113, 199.5],
  });
  assert.equal(latency.count, 5);
  assert.equal(latency.unmatched, 0);
  assert.equal(latency.min, -0.5); // arrived before the 2xx reached the client: kept as is
  assert.equal(latency.max, 3);
  assert.equal(latency.p50, 1);
});

test('arrivals of events nobody acknowledged are counted, not timed', () => {
  const acks = new AckBook();
  acks.record({ callId: 'a', firstSeq: 1, lastSeq: 1, atMs: 0 });
  const latency = endToEndLatency(acks, {
    callIds: ['a', 'a', 'z'],
    seqs: [1, 2, 1],
    atMs: [5, 6, 7],
  });
  assert.equal(latency.count, 1);
  assert.equal(latency.unmatched, 2);
});
