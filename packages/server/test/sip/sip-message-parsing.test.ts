import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseSipMessage } from '../../src/sip/parse-sip-message.ts';
import { responseTo, serializeSipMessage } from '../../src/sip/serialize-sip-message.ts';
import { parseNameAddr, parseVia } from '../../src/sip/sip-headers.ts';
import { cseqOf, header, type SipRequest } from '../../src/sip/sip-message.ts';

// The message layer: RFC 3261 §7 parsing (compact forms, folding, Content-Length), answers
// built from requests, and no input at all that makes the parser throw.

const LIMIT = 16 * 1024;

const INVITE = [
  'INVITE sip:1001@127.0.0.1:5060 SIP/2.0',
  'v: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1;rport',
  'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-proxy, SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK-x',
  'f: "Alice, A." <sip:alice@127.0.0.1>;tag=abc',
  't: <sip:1001@127.0.0.1>',
  'i: call-1@127.0.0.1',
  'CSeq: 1 INVITE',
  'Subject: a folded',
  '  header',
  'Max-Forwards: 70',
  'c: application/sdp',
  'l: 4',
  '',
  'v=0\r\nextra bytes beyond Content-Length',
].join('\r\n');

function parsed(text: string | Buffer) {
  const result = parseSipMessage(Buffer.isBuffer(text) ? text : Buffer.from(text), LIMIT);
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  return result.message as SipRequest;
}

test('compact forms expand, Via values split, folded lines join, Content-Length cuts the body', () => {
  const message = parsed(INVITE);
  assert.equal(message.method, 'INVITE');
  assert.equal(message.uri, 'sip:1001@127.0.0.1:5060');
  assert.equal(message.headers.get('via')!.length, 3);
  assert.equal(parseVia(header(message, 'via')!)!.branch, 'z9hG4bK-1');
  assert.equal(parseVia(header(message, 'via')!)!.sentBy, '127.0.0.1:5070');
  const from = parseNameAddr(header(message, 'from')!)!;
  assert.deepEqual([from.user, from.tag], ['alice', 'abc']);
  assert.equal(header(message, 'call-id'), 'call-1@127.0.0.1');
  assert.equal(header(message, 'subject'), 'a folded header');
  assert.deepEqual(cseqOf(message), { seq: 1, method: 'INVITE' });
  assert.equal(message.body.toString(), 'v=0\r');
});

test('LF-only line ends are read too', () => {
  const message = parsed(INVITE.replaceAll('\r\n', '\n').replace('l: 4', 'l: 3'));
  assert.equal(header(message, 'call-id'), 'call-1@127.0.0.1');
  assert.equal(message.body.toString(), 'v=0');
});

test('bad messages are refused with a code; a 4xx can be built when the headers allow', () => {
  const cases: [string, string, boolean][] = [
    ['no empty line', 'INVITE sip:a@b SIP/2.0\r\nVia: x', false],
    ['not SIP', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', false],
    ['missing Call-ID', INVITE.replace('i: call-1@127.0.0.1\r\n', ''), false],
    ['bad CSeq', INVITE.replace('CSeq: 1 INVITE', 'CSeq: one INVITE'), true],
    ['Content-Length longer than the datagram', INVITE.replace('l: 4', 'l: 4000'), true],
    ['Content-Length not a number', INVITE.replace('l: 4', 'l: -1'), true],
    ['a header line without a name', INVITE.replace('Max-Forwards: 70', ': 70'), false],
  ];
  for (const [name, text, respondable] of cases) {
    const result = parseSipMessage(Buffer.from(text), LIMIT);
    assert.equal(result.ok, false, name);
    if (result.ok) continue;
    assert.equal(result.request !== undefined, respondable, `${name}: ${result.error.code}`);
  }
  const big = parseSipMessage(Buffer.from(INVITE + 'x'.repeat(LIMIT)), LIMIT);
  assert.equal(!big.ok && big.error.code, 'too_large');
  assert.ok(!big.ok && big.request, 'a too large request is answered 513');
});

test('an answer copies Via, From, To, Call-ID and CSeq, stamps received/rport, and tags To', () => {
  const request = parsed(INVITE);
  const response = responseTo(request, 180, {
    toTag: 'ours',
    source: { address: '127.0.0.9', port: 5999 },
  });
  const again = parseSipMessage(serializeSipMessage(response), LIMIT);
  assert.ok(again.ok && again.message.kind === 'response');
  const message = again.message;
  assert.equal(message.kind === 'response' && message.status, 180);
  assert.equal(message.headers.get('via')!.length, 3);
  assert.match(header(message, 'via')!, /;rport=5999;received=127\.0\.0\.9$/);
  assert.equal(parseNameAddr(header(message, 'to')!)!.tag, 'ours');
  assert.equal(header(message, 'call-id'), 'call-1@127.0.0.1');
  assert.equal(header(message, 'content-length'), '0');
  const trying = responseTo(request, 100, { toTag: 'ours' });
  assert.equal(parseNameAddr(header(trying, 'to')!)!.tag, undefined, '100 Trying has no To tag');
});

test('any bytes at all: the parser answers, never throws', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
      parseSipMessage(Buffer.from(bytes), LIMIT);
    }),
    { numRuns: 2000 },
  );
  // Mutations of a real message: each line dropped, doubled or cut.
  const lines = INVITE.split('\r\n');
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(lines.length - 1), fc.constantFrom('drop', 'double', 'cut')), {
        maxLength: 4,
      }),
      (edits) => {
        const copy = [...lines];
        for (const [i, edit] of edits) {
          if (edit === 'drop') copy.splice(i, 1);
          else if (edit === 'double') copy.splice(i, 0, copy[i] ?? '');
          else copy[i] = (copy[i] ?? '').slice(0, 5);
        }
        const result = parseSipMessage(Buffer.from(copy.join('\r\n')), LIMIT);
        if (result.ok) assert.ok(result.message.headers.get('call-id'));
      },
    ),
  );
});

test('serialize then parse gives the same request back', () => {
  const token = fc.stringMatching(/^[A-Za-z0-9-]{1,12}$/);
  fc.assert(
    fc.property(token, token, fc.string({ maxLength: 200 }), (user, tag, body) => {
      const request: SipRequest = {
        kind: 'request',
        method: 'INFO',
        uri: `sip:${user}@127.0.0.1:5060`,
        headers: new Map([
          ['via', ['SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-a']],
          ['from', [`<sip:${user}@127.0.0.1>;tag=${tag}`]],
          ['to', ['<sip:1001@127.0.0.1>;tag=x']],
          ['call-id', [`${tag}@h`]],
          ['cseq', ['2 INFO']],
          ['content-type', ['application/dtmf']],
        ]),
        body: Buffer.from(body),
      };
      const back = parsed(serializeSipMessage(request));
      assert.equal(back.uri, request.uri);
      assert.deepEqual(
        [...back.headers.entries()].filter(([k]) => k !== 'content-length'),
        [...request.headers.entries()],
      );
      assert.deepEqual(back.body, request.body);
    }),
  );
});
