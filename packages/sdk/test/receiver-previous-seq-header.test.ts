// callhook-previous-seq is read into meta.previousSeq. The ordering headers decide when a
// handler runs, so a malformed callhook-seq or callhook-previous-seq is refused with 400.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createReceiver,
  DeliveryHeaderError,
  type DeliveryMeta,
  type ReceiverError,
} from '@callhook/sdk';
import { bodyOf, deliveryHeaders, OTHER_SECRET, SECRET } from './support/signed-delivery.ts';

function receiverSeeing(ordered: boolean) {
  const metas: DeliveryMeta[] = [];
  const errors: ReceiverError[] = [];
  const receiver = createReceiver({ secret: SECRET, ordered, dedupe: false })
    .onAny((_, meta) => {
      metas.push(meta);
    })
    .onError((error) => {
      errors.push(error);
    });
  const body = bodyOf('call.dtmf');
  const receive = (headers: Record<string, string>, secret = SECRET) =>
    receiver.receive({
      rawBody: body,
      headers: { ...deliveryHeaders({ id: 'evt-1', body, secret }), ...headers },
    });
  return { metas, errors, receive };
}

describe('callhook-previous-seq header', () => {
  it('is meta.previousSeq: 0 for the first event sent, absent from older servers', async () => {
    const r = receiverSeeing(false);
    await r.receive({ 'callhook-seq': '3', 'callhook-previous-seq': '0' });
    await r.receive({ 'callhook-seq': '7', 'callhook-previous-seq': '3' });
    await r.receive({ 'callhook-seq': '8' });
    assert.deepEqual(
      r.metas.map((m) => [m.seq, m.previousSeq]),
      [
        [3, 0],
        [7, 3],
        [8, undefined],
      ],
    );
    assert.ok(Object.hasOwn(r.metas[2]!, 'previousSeq'));
  });

  for (const ordered of [false, true]) {
    const bad: [string, Record<string, string>][] = [
      [
        'a previous seq that is not a number',
        { 'callhook-seq': '5', 'callhook-previous-seq': 'x' },
      ],
      ['a negative previous seq', { 'callhook-seq': '5', 'callhook-previous-seq': '-1' }],
      ['a fractional previous seq', { 'callhook-seq': '5', 'callhook-previous-seq': '1.5' }],
      ['an empty previous seq', { 'callhook-seq': '5', 'callhook-previous-seq': '' }],
      ['a previous seq equal to the seq', { 'callhook-seq': '5', 'callhook-previous-seq': '5' }],
      ['a previous seq above the seq', { 'callhook-seq': '5', 'callhook-previous-seq': '6' }],
      ['a previous seq without a seq', { 'callhook-previous-seq': '2' }],
      ['a seq that is not a number', { 'callhook-seq': 'five' }],
      ['a seq of 0', { 'callhook-seq': '0' }],
    ];
    for (const [what, headers] of bad) {
      it(`refuses ${what} with 400 invalid_header (ordered: ${ordered})`, async () => {
        const r = receiverSeeing(ordered);
        const result = await r.receive(headers);
        assert.equal(result.status, 400);
        assert.equal(JSON.parse(result.body ?? '{}').error.code, 'invalid_header');
        assert.deepEqual(r.metas, [], 'no handler ran');
        assert.equal(r.errors.length, 1);
        assert.ok(r.errors[0] instanceof DeliveryHeaderError);
        assert.equal(r.errors[0].code, 'invalid_header');
      });
    }
  }

  it('checks the signature first: a forged delivery is 401 whatever its headers', async () => {
    const r = receiverSeeing(true);
    const result = await r.receive({ 'callhook-previous-seq': 'x' }, OTHER_SECRET);
    assert.equal(result.status, 401);
  });
});
