import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Framed, SipStreamFramer } from '../../src/sip/sip-stream-framing.ts';

// RFC 3261 §18.3 framing of a TCP stream by Content-Length: messages split anywhere across
// reads, several in one read, CRLF keep-alives between them; a stream whose framing cannot be
// trusted is reported once, with its header section, and nothing after it is read.

const message = (
  body = '',
  length: number | string = Buffer.byteLength(body),
  cl = 'Content-Length',
) =>
  [
    'INFO sip:1001@127.0.0.1 SIP/2.0',
    'Via: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bK-1',
    'CSeq: 2 INFO',
    `${cl}: ${length}`,
    '',
    body,
  ].join('\r\n');

const texts = (framed: Framed[]) =>
  framed.map((f) => (f.kind === 'message' ? f.data.toString() : `error:${f.reason}`));

test('a message split into single bytes comes out whole, once its body is complete', () => {
  const framer = new SipStreamFramer(16_384);
  const text = message('Signal=5\r\nDuration=160');
  const out: Framed[] = [];
  for (const byte of Buffer.from(text)) out.push(...framer.push(Buffer.from([byte])));
  assert.deepEqual(texts(out), [text]);
  assert.equal(framer.pendingBytes, 0);
});

test('several messages in one read, with CRLF keep-alives between them, come out in order', () => {
  const framer = new SipStreamFramer(16_384);
  const a = message('one');
  const b = message('', 0, 'l'); // compact form
  const c = message('three');
  const out = framer.push(Buffer.from(`\r\n\r\n${a}\r\n\r\n${b}${c.slice(0, 20)}`));
  assert.deepEqual(texts(out), [a, b]);
  assert.deepEqual(texts(framer.push(Buffer.from(c.slice(20)))), [c]);
});

test('the body is exactly Content-Length bytes: what follows is the next message', () => {
  const framer = new SipStreamFramer(16_384);
  const out = framer.push(Buffer.from(message('abc', 2)));
  assert.equal(out.length, 1);
  assert.ok(out[0]!.kind === 'message' && out[0]!.data.toString().endsWith('\r\n\r\nab'));
  assert.equal(framer.pendingBytes, 1, 'the "c" waits as the start of the next message');
});

test('no Content-Length, a malformed one or two that differ: malformed, and the stream stops', () => {
  const missing = 'OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n';
  const doubled = message('', 0).replace('\r\n\r\n', '\r\nContent-Length: 5\r\n\r\n');
  for (const text of [missing, message('', 'ten'), message('', '-1'), doubled]) {
    const framer = new SipStreamFramer(16_384);
    const out = framer.push(Buffer.from(text + message('next')));
    assert.deepEqual(texts(out), ['error:malformed'], text);
    assert.ok(
      out[0]!.kind === 'error' && out[0]!.head.toString().startsWith(text.split('\r\n')[0]!),
    );
    assert.deepEqual(framer.push(Buffer.from(message('later'))), [], 'nothing after the error');
  }
});

test('a message over the limit is too large as soon as its Content-Length says so', () => {
  const framer = new SipStreamFramer(1_000);
  const out = framer.push(Buffer.from(message('', 5_000)));
  assert.deepEqual(texts(out), ['error:too_large']);
});

test('a header section with no end within the limit is too large, not buffered forever', () => {
  const framer = new SipStreamFramer(1_000);
  assert.deepEqual(framer.push(Buffer.alloc(900, 'a')), []);
  assert.deepEqual(texts(framer.push(Buffer.alloc(200, 'a'))), ['error:too_large']);
  assert.equal(framer.pendingBytes, 0);
});
