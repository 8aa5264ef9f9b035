// Ordered mode with deliveries from an older server, without callhook-previous-seq: seqs are
// taken as contiguous from 1 (every event of the call is expected), as before that header.
// A call's events reach handlers in callhook-seq order, however they arrive. The tests with
// the header are the receiver-ordered-*.test.ts files.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import {
  type CallEventType,
  createReceiver,
  OrderingBufferFullError,
  OrderingGapError,
  type ReceiverError,
  type ReceiverOptions,
} from '@callhook/sdk';
import fc from 'fast-check';
import { type LoopbackServer, startLoopbackServer } from './support/loopback-server.ts';
import { ManualTimers } from './support/manual-timers.ts';
import { bodyOf, deliveryHeaders, postDelivery, SECRET } from './support/signed-delivery.ts';

// A held request that is never answered must fail the test, not hang the run.
const bounded = { timeout: 10_000 };

const servers: LoopbackServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

// A call's events by seq, as the server would number them.
const TYPES: CallEventType[] = [
  'call.created',
  'call.user.invited',
  'call.user.paused',
  'call.user.unpaused',
  'call.dtmf',
  'call.user.removed',
  'call.ended',
];

function eventOf(callId: string, seq: number) {
  return { id: `${callId}/${seq}`, body: bodyOf(TYPES[seq - 1]!, callId), seq };
}

interface Harness {
  url: string;
  seen: string[];
  errors: ReceiverError[];
  timers: ManualTimers;
  post(callId: string, seq: number): Promise<number>;
}

async function orderedServer(
  options: Partial<ReceiverOptions> = {},
  failOnce: string[] = [],
): Promise<Harness> {
  const seen: string[] = [];
  const errors: ReceiverError[] = [];
  const timers = new ManualTimers();
  const receiver = createReceiver({ secret: SECRET, ordered: true, timers, ...options })
    .onAny((event, meta) => {
      const key = `${event.callId.slice(0, 4)}#${meta.seq}`;
      seen.push(key);
      const at = failOnce.indexOf(key);
      if (at >= 0) {
        failOnce.splice(at, 1);
        throw new Error(`failing ${key} once`);
      }
    })
    .onError((e) => {
      errors.push(e);
    });
  const server = await startLoopbackServer(receiver.node);
  servers.push(server);
  const post = async (callId: string, seq: number) => {
    const response = await postDelivery(server.url, eventOf(callId, seq));
    await response.arrayBuffer();
    return response.status;
  };
  return { url: server.url, seen, errors, timers, post };
}

/** Tracks whether a promise has settled, without waiting for it. */
function settled<T>(promise: Promise<T>): { done: boolean } {
  const state = { done: false };
  promise.then(
    () => (state.done = true),
    () => (state.done = true),
  );
  return state;
}

describe('receiver ordered mode without callhook-previous-seq', () => {
  it('holds an early event until its turn: seq 3 first, then 1 and 2', bounded, async () => {
    const h = await orderedServer();
    const callId = `aaaa${randomUUID().slice(4)}`;
    const third = h.post(callId, 3);
    await h.timers.whenPending(1); // seq 3 is held, waiting for 1 and 2
    assert.deepEqual(h.seen, []);
    const statuses = await Promise.all([h.post(callId, 2), h.post(callId, 1), third]);
    assert.deepEqual(statuses, [204, 204, 204]);
    assert.deepEqual(h.seen, ['aaaa#1', 'aaaa#2', 'aaaa#3']);
    assert.equal(h.timers.pending.length, 0, 'no gap timer left once the gap is filled');
    assert.deepEqual(h.errors, []);
  });

  it('orders concurrent arrivals 3, 1, 2 sent at once', bounded, async () => {
    const h = await orderedServer();
    const callId = `bbbb${randomUUID().slice(4)}`;
    const statuses = await Promise.all([3, 1, 2].map((seq) => h.post(callId, seq)));
    assert.deepEqual(statuses, [204, 204, 204]);
    assert.deepEqual(h.seen, ['bbbb#1', 'bbbb#2', 'bbbb#3']);
  });

  it(
    'after the gap timeout reports a sequence_gap and goes on; the straggler comes late',
    bounded,
    async () => {
      const h = await orderedServer({ ordered: { gapTimeoutMs: 10_000 } });
      const callId = `cccc${randomUUID().slice(4)}`;
      assert.equal(await h.post(callId, 1), 204);
      const third = h.post(callId, 3);
      await h.timers.whenPending(1);
      assert.equal(h.timers.pending[0]?.ms, 10_000);
      const thirdState = settled(third);
      await new Promise<void>((resolve) => setImmediate(resolve));
      assert.equal(thirdState.done, false, 'seq 3 is held while 2 is missing');

      h.timers.fireAll();
      assert.equal(await third, 204);
      assert.equal(h.errors.length, 1);
      const gap = h.errors[0];
      assert.ok(gap instanceof OrderingGapError);
      assert.equal(gap.code, 'sequence_gap');
      assert.equal(gap.callId, callId);
      assert.deepEqual(gap.missingSeqs, [2]);
      assert.match(gap.message, new RegExp(callId));

      assert.equal(await h.post(callId, 2), 204); // late: handed over at once, not held
      assert.equal(await h.post(callId, 4), 204); // the order goes on from 3
      assert.deepEqual(h.seen, ['cccc#1', 'cccc#3', 'cccc#2', 'cccc#4']);
      assert.equal(h.timers.pending.length, 0);
    },
  );

  it('a call first seen past seq 1 waits for seqs 1–5 like any other gap', bounded, async () => {
    const h = await orderedServer();
    const callId = `dddd${randomUUID().slice(4)}`;
    const sixth = h.post(callId, 6);
    await h.timers.whenPending(1);
    h.timers.fireAll();
    assert.equal(await sixth, 204);
    assert.deepEqual((h.errors[0] as OrderingGapError).missingSeqs, [1, 2, 3, 4, 5]);
    assert.deepEqual(h.seen, ['dddd#6']);
  });

  it('a failed event stays expected: later ones wait for its retry', bounded, async () => {
    const callId = `eeee${randomUUID().slice(4)}`;
    const h = await orderedServer({}, ['eeee#2']);
    assert.equal(await h.post(callId, 1), 204);
    assert.equal(await h.post(callId, 2), 500);
    const third = h.post(callId, 3);
    await h.timers.whenPending(1);
    assert.equal(await h.post(callId, 2), 204); // the sender's retry
    assert.equal(await third, 204);
    assert.deepEqual(h.seen, ['eeee#1', 'eeee#2', 'eeee#2', 'eeee#3']);
  });

  it('answers 503 with Retry-After when too many early events are held', bounded, async () => {
    const h = await orderedServer({ ordered: { maxBuffered: 1, gapTimeoutMs: 30_000 } });
    const callId = `ffff${randomUUID().slice(4)}`;
    const third = h.post(callId, 3);
    await h.timers.whenPending(1);
    const full = await postDelivery(h.url, eventOf(callId, 4));
    assert.equal(full.status, 503);
    assert.equal(full.headers.get('retry-after'), '30');
    await full.arrayBuffer();
    assert.ok(h.errors[0] instanceof OrderingBufferFullError);
    // The expected seq is never refused: it unblocks the queue.
    assert.deepEqual(
      await Promise.all([h.post(callId, 1), h.post(callId, 2), third]),
      [204, 204, 204],
    );
    assert.deepEqual(h.seen, ['ffff#1', 'ffff#2', 'ffff#3']);
  });

  it('calls never wait on each other', bounded, async () => {
    const h = await orderedServer();
    const blocked = `1111${randomUUID().slice(4)}`;
    const free = `2222${randomUUID().slice(4)}`;
    const held = h.post(blocked, 2);
    await h.timers.whenPending(1);
    assert.equal(await h.post(free, 1), 204);
    assert.equal(await h.post(free, 2), 204);
    assert.deepEqual(h.seen, ['2222#1', '2222#2']);
    assert.equal(await Promise.all([h.post(blocked, 1), held]).then((s) => s.join()), '204,204');
  });

  it(
    'forgets a call once call.ended is handled; its stragglers are not held',
    bounded,
    async () => {
      const h = await orderedServer();
      const callId = `9999${randomUUID().slice(4)}`;
      for (let seq = 1; seq <= 7; seq += 1) assert.equal(await h.post(callId, seq), 204);
      const replay = await postDelivery(h.url, { ...eventOf(callId, 5), id: 'replayed-5' });
      assert.equal(replay.status, 204);
      assert.equal(h.timers.pending.length, 0);
      assert.equal(h.seen.at(-1), '9999#5');
    },
  );

  it('hands events without callhook-seq over at once', bounded, async () => {
    const h = await orderedServer();
    const body = bodyOf('call.user.paused', randomUUID());
    const response = await postDelivery(h.url, { id: 'no-seq', body });
    assert.equal(response.status, 204);
    assert.deepEqual(h.seen, [`${JSON.parse(body).callId.slice(0, 4)}#undefined`]);
  });

  it('any arrival order of a whole call gives handlers seq 1..7', bounded, async () => {
    const seqs = TYPES.map((_, i) => i + 1);
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(seqs, { minLength: seqs.length, maxLength: seqs.length }),
        async (arrival) => {
          const seen: number[] = [];
          const receiver = createReceiver({
            secret: SECRET,
            ordered: true,
            timers: new ManualTimers(),
          }).onAny((_, meta) => {
            seen.push(meta.seq ?? -1);
          });
          const callId = randomUUID();
          const results = await Promise.all(
            arrival.map((seq) => {
              const { id, body } = eventOf(callId, seq);
              return receiver.receive({
                rawBody: body,
                headers: deliveryHeaders({ id, body, seq }),
              });
            }),
          );
          assert.ok(results.every((r) => r.status === 204));
          assert.deepEqual(seen, seqs);
        },
      ),
      { numRuns: 40 },
    );
  });
});
