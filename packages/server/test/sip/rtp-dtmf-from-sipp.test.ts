import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addRoom, eventually, startSipCallhook } from './support/sip-callhook.ts';
import { runSipp } from './support/sipp.ts';

// Must show: RFC 4733 DTMF from a real peer. sipp plays Debian's recorded telephone-event
// streams (each key: repeated event packets, then the end packet three times) to the media
// port callhook answered with; each key press is one call.dtmf.

const PCAP = '/usr/share/sip-tester';

test('RFC 4733 key presses played by sipp give one call.dtmf each', async (t) => {
  const callhook = await startSipCallhook(t);
  await addRoom(callhook, '1001');
  const result = await runSipp(callhook.sip, {
    calls: [{ user: 'erin', room: '1001' }],
    steps: [
      { kind: 'invite' },
      { kind: 'ack' },
      { kind: 'pcap', file: `${PCAP}/dtmf_2833_1.pcap`, waitMs: 400 },
      { kind: 'pcap', file: `${PCAP}/dtmf_2833_pound.pcap`, waitMs: 400 },
      { kind: 'pcap', file: `${PCAP}/dtmf_2833_1.pcap`, waitMs: 400 },
      { kind: 'pcap', file: `${PCAP}/dtmf_2833_9.pcap`, waitMs: 400 },
      { kind: 'bye' },
    ],
  });
  assert.equal(result.code, 0, `sipp failed:\n${result.errors}\n${result.stdout.slice(-3000)}`);
  const events = await eventually(async () => {
    const all = await callhook.events();
    assert.equal(all.at(-1)?.type, 'call.ended');
    return all;
  });
  assert.deepEqual(
    events.filter((e) => e.type === 'call.dtmf').map((e) => e.payload.dtmf),
    ['1', '#', '1', '9'],
  );
  assert.deepEqual(
    events.map((e) => e.type),
    [
      'call.created',
      'call.user.invited',
      'call.dtmf',
      'call.dtmf',
      'call.dtmf',
      'call.dtmf',
      'call.user.removed',
      'call.ended',
    ],
  );
});
