import assert from 'node:assert/strict';
import { test } from 'node:test';
import { header, type SipResponse } from '../../src/sip/sip-message.ts';
import { addRoom, startSipCallhook } from './support/sip-callhook.ts';
import { type RawSipClient, rawSipClient, sipRequest } from './support/udp-sip-client.ts';

// Bad input: malformed messages, oversized datagrams, unknown methods, unknown rooms, bad
// userIds, requests outside any dialog, a flood of INVITEs. No crash, no event, a 4xx (or
// 503/513) where a response is due, and nothing kept.

const SDP =
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';

test('each bad request gets its status and emits nothing; OPTIONS is answered', async (t) => {
  const callhook = await startSipCallhook(t);
  await addRoom(callhook, '1001');
  const client = await rawSipClient(t, callhook.sip);
  const port = client.port;
  const cases: [string, string | Buffer, number][] = [
    ['OPTIONS ping', sipRequest('OPTIONS', { port }), 200],
    ['unknown method', sipRequest('MESSAGE', { port }), 405],
    [
      'unknown room',
      sipRequest('INVITE', {
        port,
        uri: 'sip:9999@127.0.0.1',
        headers: ['Content-Type: application/sdp'],
        body: SDP,
      }),
      404,
    ],
    [
      'userId not allowed',
      sipRequest('INVITE', {
        port,
        from: 'bad%21user',
        headers: ['Content-Type: application/sdp'],
        body: SDP,
      }),
      400,
    ],
    [
      'body not SDP',
      sipRequest('INVITE', { port, headers: ['Content-Type: text/plain'], body: 'hello' }),
      415,
    ],
    [
      'SDP without audio callhook speaks',
      sipRequest('INVITE', {
        port,
        headers: ['Content-Type: application/sdp'],
        body: SDP.replace('RTP/AVP 0', 'RTP/AVP 18'),
      }),
      488,
    ],
    ['Max-Forwards 0', sipRequest('INVITE', { port, headers: ['Max-Forwards: 0'] }), 483],
    [
      'Max-Forwards not a number',
      sipRequest('INFO', { port, headers: ['Max-Forwards: lots'] }),
      400,
    ],
    ['BYE of no dialog', sipRequest('BYE', { port, toTag: 'nope' }), 481],
    ['INFO of no dialog', sipRequest('INFO', { port, toTag: 'nope' }), 481],
    ['CANCEL of no INVITE', sipRequest('CANCEL', { port }), 481],
    ['bad CSeq', sipRequest('INVITE', { port, headers: ['CSeq: x INVITE'] }), 400],
    [
      'Content-Length past the datagram',
      sipRequest('INFO', { port }).replace('Content-Length: 0', 'Content-Length: 900'),
      400,
    ],
    ['oversized datagram', sipRequest('INFO', { port, body: 'x'.repeat(20_000) }), 513],
  ];
  for (const [name, data, status] of cases) {
    client.send(data);
    // Answers are matched by Call-ID: unacknowledged final answers are repeated (Timer G).
    const callId = /Call-ID: (\S+)/.exec(data.toString())![1];
    const answer = await eventuallyAnswered(client, callId!);
    assert.equal(answer?.status, status, name);
    if (status === 405 || status === 200) assert.match(header(answer!, 'allow') ?? '', /INVITE/);
  }
  // Garbage gets no answer and breaks nothing.
  const before = client.responses.length;
  for (const junk of [
    '',
    '\r\n\r\n',
    'hello',
    'SIP/2.0 200 OK\r\n\r\n',
    Buffer.from([0, 255, 13, 10, 13, 10]),
  ]) {
    client.send(junk);
  }
  const ping = sipRequest('OPTIONS', { port });
  client.send(ping);
  const pong = await eventuallyAnswered(client, /Call-ID: (\S+)/.exec(ping)![1]!);
  assert.equal(pong?.status, 200);
  // Besides it, only repeats of the earlier final answers (never ACKed here: Timer G) came.
  const sent = new Set(cases.map(([, data]) => /Call-ID: (\S+)/.exec(data.toString())![1]));
  const others = client.responses.slice(before).filter((r) => r !== pong);
  assert.deepEqual(
    others.filter((r) => !sent.has(header(r, 'call-id'))),
    [],
    'the garbage got no answer',
  );

  assert.deepEqual(await callhook.events(), [], 'no bad request made an event');
  assert.equal(callhook.server.sip!.legs.size, 0);
});

test('a flood of INVITEs from one source: the rate limit answers 503, memory stays bounded', async (t) => {
  const callhook = await startSipCallhook(t, { invitesPerSecond: 5 });
  const client = await rawSipClient(t, callhook.sip);
  const FLOOD = 400;
  const started = Date.now();
  // In bursts of 50 (no socket buffer drops them), as fast as the answers come back.
  for (let i = 0; i < FLOOD; i++) {
    client.send(
      sipRequest('INVITE', {
        port: client.port,
        uri: 'sip:4040@127.0.0.1',
        headers: ['Content-Type: application/sdp'],
        body: SDP,
      }),
    );
    if (i % 50 === 49) await waitForFinals(client, i + 1);
  }
  const finals = await waitForFinals(client, FLOOD);
  const seconds = (Date.now() - started) / 1000;
  const limited = [...finals.values()].filter((r) => r.status === 503);
  const passed = [...finals.values()].filter((r) => r.status === 404);
  assert.equal(finals.size, FLOOD, 'every INVITE got a final answer');
  assert.equal(passed.length + limited.length, FLOOD);
  // The limit: a burst of 10, then 5 a second.
  assert.ok(passed.length >= 10, `the burst went through (${passed.length})`);
  assert.ok(
    passed.length <= 10 + 5 * seconds + 1,
    `no more than the rate let through: ${passed.length} in ${seconds.toFixed(2)} s`,
  );
  assert.ok(
    limited.length > 0 && limited.every((r) => header(r, 'retry-after')),
    '503 says when to retry',
  );
  assert.deepEqual(await callhook.events(), []);
  assert.equal(callhook.server.sip!.legs.size, 0);
  // Another source is not limited by the first one's flood.
  const other = await rawSipClient(t, callhook.sip);
  other.send(sipRequest('OPTIONS', { port: other.port }));
  assert.equal((await other.waitFor(1))[0]?.status, 200);
});

/** The final answers received, one per Call-ID, once there are `count` (or 5 s passed). */
async function waitForFinals(
  client: RawSipClient,
  count: number,
): Promise<Map<string, SipResponse>> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const finals = new Map<string, SipResponse>();
    for (const r of client.responses) if (r.status >= 200) finals.set(header(r, 'call-id')!, r);
    if (finals.size >= count || Date.now() > deadline) return finals;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function eventuallyAnswered(
  client: RawSipClient,
  callId: string,
): Promise<SipResponse | undefined> {
  const deadline = Date.now() + 3_000;
  for (;;) {
    const answer = client.responses.find((r) => r.status >= 200 && header(r, 'call-id') === callId);
    if (answer || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
