import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNameAddr } from '../../src/sip/sip-headers.ts';
import { header } from '../../src/sip/sip-message.ts';
import { fullCall } from './support/full-call.ts';
import { addRoom, startSipCallhook } from './support/sip-callhook.ts';
import { runSipp } from './support/sipp.ts';
import { rawSipClient, sipRequest } from './support/udp-sip-client.ts';

// What a caller waits for: INVITE → 200 OK (the invite committed in between), measured by a
// probe phone while sipp keeps 20 calls/s with hold and DTMF going. Reported, and bounded
// loosely (a loaded CI machine), so that a regression to seconds fails.

const SDP =
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n';
const PROBES = 40;

test('INVITE → 200 OK latency while sipp drives 20 calls/s', async (t) => {
  const callhook = await startSipCallhook(t);
  const load = Array.from({ length: 120 }, (_, i) => ({ user: `load-${i}`, room: `${3000 + i}` }));
  for (const { room } of load) await addRoom(callhook, room);
  await addRoom(callhook, 'probe');
  const sipp = runSipp(callhook.sip, {
    calls: load,
    rate: 20,
    steps: fullCall(200),
  });
  const client = await rawSipClient(t, callhook.sip);
  await new Promise((r) => setTimeout(r, 1_000)); // the load is under way
  const latencies: number[] = [];
  for (let i = 0; i < PROBES; i++) {
    const invite = sipRequest('INVITE', {
      port: client.port,
      uri: 'sip:probe@127.0.0.1',
      from: `probe-${i}`,
      headers: ['Content-Type: application/sdp'],
      body: SDP,
    });
    const callId = /Call-ID: (\S+)/.exec(invite)![1]!;
    const sent = performance.now();
    client.send(invite);
    const ok = await client.response((r) => r.status === 200 && header(r, 'call-id') === callId);
    latencies.push(performance.now() - sent);
    const toTag = parseNameAddr(header(ok, 'to')!)!.tag!;
    const fromLine = /From: (.*)/.exec(invite)![1]!;
    const dialog = [`Call-ID: ${callId}`, `From: ${fromLine}`];
    client.send(
      sipRequest('ACK', {
        port: client.port,
        uri: 'sip:probe@127.0.0.1',
        toTag,
        headers: [...dialog, 'CSeq: 1 ACK'],
      }),
    );
    client.send(
      sipRequest('BYE', {
        port: client.port,
        uri: 'sip:probe@127.0.0.1',
        toTag,
        headers: [...dialog, 'CSeq: 2 BYE'],
      }),
    );
    await new Promise((r) => setTimeout(r, 50));
  }
  const result = await sipp;
  assert.equal(result.code, 0, `sipp failed:\n${result.errors.slice(0, 2000)}`);
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  t.diagnostic(
    `INVITE→200 OK over ${PROBES} probe calls under 20 calls/s: p50 ${at(0.5).toFixed(1)} ms, ` +
      `p99 ${at(0.99).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`,
  );
  assert.ok(at(0.99) < 1_000, `p99 ${at(0.99).toFixed(1)} ms`);
  const probeEvents = (await callhook.events()).filter((e) =>
    String(e.payload.userId).startsWith('probe-'),
  );
  assert.equal(probeEvents.filter((e) => e.type === 'call.user.invited').length, PROBES);
  assert.equal(probeEvents.filter((e) => e.type === 'call.user.removed').length, PROBES);
});
