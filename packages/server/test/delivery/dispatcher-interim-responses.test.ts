// A receiver that answers `100 Continue` before its 204 gets each event once, recorded as a
// 204; one that sends 100 and then closes fails with connection_reset and is retried.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { harnessPerTest } from './dispatcher-harness.ts';
import {
  CONTINUE,
  NO_CONTENT,
  type RawTcpReceiver,
  startRawTcpReceiver,
} from './raw-tcp-receiver.ts';

describe('dispatcher: a receiver that sends 100 Continue before its answer', {
  timeout: 30_000,
}, () => {
  const h = harnessPerTest();

  async function receiverEndpoint(answer: Parameters<typeof startRawTcpReceiver>[0]) {
    const receiver = await startRawTcpReceiver(answer);
    const { id } = await h().addEndpoint(receiver.url);
    return { id, receiver };
  }

  function seqsSeen(receiver: RawTcpReceiver): number[] {
    return receiver.requests.map((r) => Number(/\r\ncallhook-seq: *(\d+)/i.exec(r.head)?.[1]));
  }

  for (const [name, answer] of [
    ['in one write', (s) => s.write(CONTINUE + NO_CONTENT)],
    [
      'in two writes',
      (s) => {
        s.write(CONTINUE);
        s.write(NO_CONTENT);
      },
    ],
    [
      'after a pause',
      (s) => {
        s.write(CONTINUE, () => setTimeout(() => s.write(NO_CONTENT), 30));
      },
    ],
  ] as const satisfies [string, Parameters<typeof startRawTcpReceiver>[0]][]) {
    it(`100 then 204 ${name}: delivered once, the attempt recorded as 204, not retried`, async (t) => {
      const { id, receiver } = await receiverEndpoint(answer);
      t.after(() => receiver.close());
      await h().emit(randomUUID(), 3);
      const dispatcher = h().dispatcher({ schedule: [0, 100, 200] });
      await dispatcher.start();
      await h().settle(dispatcher);

      assert.deepEqual(seqsSeen(receiver), [1, 2, 3]);
      const items = await h().deliveries(id);
      assert.deepEqual(
        items.map((d) => [d.seq, d.status, d.attemptCount]),
        [
          [1, 'delivered', 1],
          [2, 'delivered', 1],
          [3, 'delivered', 1],
        ],
      );
      for (const d of items) {
        assert.deepEqual(
          d.attempts.map((a) => [a.statusCode, a.error]),
          [[204, null]],
        );
      }
      assert.equal(await h().store.nextDueAt(), null);
    });
  }

  it('100 and then a close: connection_reset, retried on the schedule, then failed', async (t) => {
    const { id, receiver } = await receiverEndpoint((s) => s.end(CONTINUE));
    t.after(() => receiver.close());
    await h().emit(randomUUID(), 1);
    const dispatcher = h().dispatcher({ schedule: [0, 100, 200] });
    await dispatcher.start();
    await h().settle(dispatcher);

    assert.deepEqual(seqsSeen(receiver), [1, 1, 1]);
    const [delivery] = await h().deliveries(id);
    assert.equal(delivery?.status, 'failed');
    const closed =
      'connection_reset: the receiver closed the connection after 1 interim (1xx) response, without a final response';
    assert.deepEqual(
      delivery?.attempts.map((a) => [a.attempt, a.statusCode, a.error]),
      [
        [1, null, closed],
        [2, null, closed],
        [3, null, closed],
      ],
    );
  });
});
