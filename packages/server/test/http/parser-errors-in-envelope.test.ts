import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { ADMIN_KEY, type KeyServer, startKeyServer } from '../auth/support/key-server.ts';

// Every answer is in the error envelope, even for requests Node's parser refuses: raw bytes
// over a real socket, as a fuzzer or a broken client sends them.

let s: KeyServer;
let port: number;
before(async () => {
  s = await startKeyServer();
  port = Number(new URL(s.server.url).port);
});
after(() => s.close());

/** Sends `raw` on a fresh connection; resolves with everything the server sent until it closed. */
function exchange(raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      answer += d;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.write(raw);
    // Half-close after writing, as a client that sent all it means to.
    setTimeout(() => socket.end(), 200);
  });
}

function parse(answer: string): {
  status: number;
  headers: string;
  body: { error: { code: string; message: string } };
} {
  const [head = '', body = ''] = answer.split('\r\n\r\n', 2);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  assert.match(head, /content-type: application\/json/i, answer);
  return { status, headers: head, body: JSON.parse(body) };
}

const auth = `Authorization: Bearer ${ADMIN_KEY}\r\n`;

test('parser-level rejects are answered in the envelope with a 4xx and a stable code', async () => {
  const cases: { name: string; raw: string; status: number; code: string }[] = [
    {
      name: 'bare LF',
      raw: 'GET /v1/calls HTTP/1.1\nHost: x\n\n',
      status: 400,
      code: 'validation_error',
    },
    {
      name: 'control character in a header',
      raw: `GET /v1/calls HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n`,
      status: 400,
      code: 'validation_error',
    },
    {
      name: 'two Content-Length headers',
      raw: `POST /v1/calls HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`,
      status: 400,
      code: 'validation_error',
    },
    {
      name: 'a URL over 16 KiB',
      raw: `GET /v1/calls?x=${'a'.repeat(17_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      status: 431,
      code: 'headers_too_large',
    },
    { name: 'not HTTP at all', raw: 'HELLO\r\n\r\n', status: 400, code: 'validation_error' },
    {
      name: 'a space in a header name',
      raw: 'GET /v1/calls HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n',
      status: 400,
      code: 'validation_error',
    },
  ];
  for (const c of cases) {
    const answer = await exchange(c.raw);
    const { status, body } = parse(answer);
    assert.equal(status, c.status, `${c.name}: ${answer.slice(0, 300)}`);
    assert.equal(body.error.code, c.code, c.name);
    assert.ok(body.error.message.length > 0);
  }
});

test('a parser reject changes nothing', async () => {
  const before = await s.server.store.calls.lastEventPosition();
  const body = JSON.stringify({ threadId: 't-1', streamId: 's-1' });
  await exchange(
    `POST /v1/calls HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: ${body.length}\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  );
  await exchange(
    `POST /v1/calls HTTP/1.1\nHost: x\n${auth.replace('\r', '')}Content-Type: application/json\nContent-Length: ${body.length}\n\n${body}`,
  );
  assert.equal(await s.server.store.calls.lastEventPosition(), before);
});

test('Content-Encoding other than identity is 415 unsupported_media_type, and creates nothing', async () => {
  const before = await s.server.store.calls.lastEventPosition();
  for (const encoding of ['gzip', 'br', 'deflate', 'gzip, identity']) {
    const res = await s.request('POST', '/v1/calls', {
      body: { threadId: 't-1', streamId: 's-1' },
      headers: { 'content-encoding': encoding },
    });
    assert.equal(res.statusCode, 415, `${encoding}: ${res.body}`);
    assert.equal(res.json<{ error: { code: string } }>().error.code, 'unsupported_media_type');
  }
  assert.equal(await s.server.store.calls.lastEventPosition(), before);
  const plain = await s.request('POST', '/v1/calls', {
    body: { threadId: 't-1', streamId: 's-1' },
    headers: { 'content-encoding': 'identity' },
  });
  assert.equal(plain.statusCode, 201, plain.body);
});

test('two Idempotency-Key or Authorization headers are a 400 naming the header, never merged', async () => {
  const before = await s.server.store.calls.lastEventPosition();
  const body = JSON.stringify({ threadId: 't-2', streamId: 's-2' });
  for (const [name, extra] of [
    ['idempotency-key', `${auth}Idempotency-Key: a1\r\nIdempotency-Key: b2\r\n`],
    ['authorization', `${auth}Authorization: Bearer chk_someone-else-entirely\r\n`],
    ['authorization', `Authorization: Bearer chk_someone-else-entirely\r\n${auth}`],
  ] as const) {
    const answer = await exchange(
      `POST /v1/calls HTTP/1.1\r\nHost: x\r\n${extra}Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    const { status, body: envelope } = parse(answer);
    assert.equal(status, 400, answer);
    assert.equal(envelope.error.code, 'validation_error');
    assert.match(envelope.error.message, new RegExp(`${name} header appears more than once`));
  }
  assert.equal(await s.server.store.calls.lastEventPosition(), before);
});
