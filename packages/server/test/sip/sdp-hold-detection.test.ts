import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'sdp-transform';
import { readOffer, writeAnswer } from '../../src/sip/sdp-session.ts';

// RFC 3264 §8.4 hold as the SIP front end reads it, and the answer callhook writes back.

const offer = (lines: string[]) =>
  `${['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 't=0 0', ...lines].join('\r\n')}\r\n`;

const AUDIO = [
  'c=IN IP4 127.0.0.1',
  'm=audio 4000 RTP/AVP 8 0 101',
  'a=rtpmap:101 telephone-event/8000',
];

test('sendonly, inactive and c=0.0.0.0 are hold; sendrecv and recvonly are not', () => {
  const held = (extra: string[], audio = AUDIO) => {
    const read = readOffer(offer([...audio, ...extra]));
    assert.ok(read.ok);
    return read.offer.held;
  };
  assert.equal(held(['a=sendonly']), true);
  assert.equal(held(['a=inactive']), true);
  assert.equal(held([], ['c=IN IP4 0.0.0.0', ...AUDIO.slice(1)]), true);
  assert.equal(held(['a=sendrecv']), false);
  assert.equal(held([]), false, 'no direction is sendrecv');
  assert.equal(held(['a=recvonly']), false);
});

test("the answer keeps the offer codec order and telephone-event type, on callhook's port", () => {
  const read = readOffer(offer([...AUDIO, 'a=sendonly']));
  assert.ok(read.ok);
  assert.deepEqual(read.offer.codecs, [8, 0]);
  assert.equal(read.offer.telephoneEvent, 101);
  const answer = parse(
    writeAnswer({ address: '127.0.0.1', port: 40000, sessionId: 7, version: 2 }, read.offer),
  );
  const audio = answer.media[0]!;
  assert.equal(audio.port, 40000);
  assert.equal(audio.payloads, '8 0 101');
  assert.equal(audio.direction, 'recvonly', 'sendonly is answered recvonly');
  assert.equal(answer.origin?.sessionVersion, 2);
});

test('offers callhook cannot answer are refused with a reason', () => {
  const noCodec = readOffer(
    offer(['c=IN IP4 127.0.0.1', 'm=audio 4000 RTP/AVP 18', 'a=rtpmap:18 G729/8000']),
  );
  assert.equal(noCodec.ok, false);
  assert.equal(readOffer(offer(['c=IN IP4 127.0.0.1', 'm=video 4000 RTP/AVP 96'])).ok, false);
  assert.equal(readOffer(offer(['c=IN IP4 127.0.0.1', 'm=audio 0 RTP/AVP 0'])).ok, false);
});
