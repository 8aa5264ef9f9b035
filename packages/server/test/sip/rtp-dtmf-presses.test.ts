import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { readDtmfInfo } from '../../src/sip/dtmf-info.ts';
import { DtmfPressDetector, PRESS_GAP_MS, readTelephoneEvent } from '../../src/sip/rtp-dtmf.ts';

// RFC 4733: one press is many packets of one timestamp, the end packet three times; exactly
// one symbol per press, whatever is repeated, and a press whose end packets were lost still
// counts once the next starts. And the INFO bodies that carry DTMF.

function packet(timestamp: number, event: number, end: boolean, pt = 101): Buffer {
  const b = Buffer.alloc(16);
  b[0] = 0x80;
  b[1] = pt;
  b.writeUInt32BE(timestamp, 4);
  b[12] = event;
  b[13] = end ? 0x80 | 10 : 10;
  b.writeUInt16BE(800, 14);
  return b;
}

test('telephone-event packets are read; other payload types and short packets are not', () => {
  assert.deepEqual(readTelephoneEvent(packet(160, 11, true), 101), {
    timestamp: 160,
    event: 11,
    end: true,
  });
  assert.equal(readTelephoneEvent(packet(160, 11, true, 0), 101), null);
  assert.equal(readTelephoneEvent(Buffer.alloc(8), 101), null);
});

test('any press sequence, any repeats of its packets: one symbol per press, in order', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          event: fc.integer({ min: 0, max: 15 }),
          starts: fc.integer({ min: 1, max: 6 }),
          ends: fc.integer({ min: 0, max: 3 }),
        }),
        { minLength: 1, maxLength: 12 },
      ),
      (presses) => {
        const detector = new DtmfPressDetector();
        const out: string[] = [];
        let now = 0;
        presses.forEach((press, i) => {
          const timestamp = 1000 + i * 1600;
          for (let k = 0; k < press.starts; k++) {
            now += 20;
            out.push(...detector.push({ timestamp, event: press.event, end: false }, now));
          }
          for (let k = 0; k < press.ends; k++) {
            now += 1;
            out.push(...detector.push({ timestamp, event: press.event, end: true }, now));
          }
        });
        // The last press, if its end packets were all lost, is counted by the next press only.
        const expected = presses.filter((p, i) => p.ends > 0 || i < presses.length - 1);
        assert.deepEqual(
          out,
          expected.map((p) => '0123456789*#ABCD'[p.event]),
        );
      },
    ),
  );
});

test('the same stream played again later (same timestamp) is a second press', () => {
  const detector = new DtmfPressDetector();
  const play = (at: number) => [
    ...detector.push({ timestamp: 13280, event: 1, end: false }, at),
    ...detector.push({ timestamp: 13280, event: 1, end: true }, at + 20),
    ...detector.push({ timestamp: 13280, event: 1, end: true }, at + 21),
  ];
  assert.deepEqual([...play(0), ...play(PRESS_GAP_MS + 100)], ['1', '1']);
});

test('INFO bodies: dtmf-relay Signal=, dtmf bare symbol, Cisco 10/11; anything else refused', () => {
  assert.deepEqual(readDtmfInfo('application/dtmf-relay', 'Signal=5\r\nDuration=160\r\n'), {
    ok: true,
    symbol: '5',
  });
  assert.deepEqual(readDtmfInfo('application/dtmf-relay', 'Signal= 11\nDuration=160'), {
    ok: true,
    symbol: '#',
  });
  assert.deepEqual(readDtmfInfo('application/dtmf', '*\r\n'), { ok: true, symbol: '*' });
  assert.deepEqual(readDtmfInfo('application/dtmf', 'a'), { ok: true, symbol: 'A' });
  assert.equal(readDtmfInfo('application/dtmf-relay', 'Duration=160').ok, false);
  assert.equal(readDtmfInfo('application/dtmf', '55').ok, false);
  assert.equal(readDtmfInfo('application/dtmf', 'E').ok, false);
});
