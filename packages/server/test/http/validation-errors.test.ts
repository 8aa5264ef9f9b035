import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  ALICE,
  createCall,
  STREAM,
  startTestApp,
  type TestApp,
  THREAD,
} from './support/test-app.ts';

// Malformed requests are 400 validation_error naming each bad field (`in` + `path`), and
// change nothing. Unknown fields are REJECTED, in bodies and query strings alike: a typo
// such as `threadID` must not pass silently as "missing". Headers are open.

const BODY_LIMIT = 2048;
let t: TestApp;
let callId: string;
before(async () => {
  t = await startTestApp({ bodyLimitBytes: BODY_LIMIT });
  callId = await createCall(t);
  await t.request('POST', `/v1/calls/${callId}/participants`, { userId: ALICE });
  await t.request('POST', `/v1/calls/${callId}/participants/${ALICE}/join`);
});
after(() => t.close());

interface ErrorBody {
  error: {
    code: string;
    message: string;
    details?: { in: string; path: string; message: string }[];
  };
}

/** Sends a bad request; checks the status, code and field paths, and that nothing changed. */
async function rejected(
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  body: unknown,
  expect: { status?: number; code?: string; in?: string; paths?: string[] },
  headers: Record<string, string> = {},
): Promise<ErrorBody> {
  const positionBefore = await t.store.lastEventPosition();
  const callBefore = await t.store.getCall(callId);
  const res = await t.request(method, url, body, headers);
  const what = `${method} ${url} ${JSON.stringify(body)}`;
  assert.equal(res.statusCode, expect.status ?? 400, `${what}: ${res.body}`);
  const parsed = res.json<ErrorBody>();
  assert.equal(parsed.error.code, expect.code ?? 'validation_error', what);
  assert.ok(parsed.error.message.length > 0);
  if (expect.paths) {
    assert.deepEqual(
      parsed.error.details?.map((d) => d.path).sort(),
      [...expect.paths].sort(),
      what,
    );
    for (const detail of parsed.error.details ?? []) {
      assert.equal(detail.in, expect.in ?? 'body', what);
      assert.ok(detail.message.length > 0);
    }
  }
  assert.equal(await t.store.lastEventPosition(), positionBefore, `${what} emitted an event`);
  assert.deepEqual(await t.store.getCall(callId), callBefore, `${what} changed the call`);
  return parsed;
}

const ok = { threadId: THREAD, streamId: STREAM };

test('create: missing, malformed and unknown fields are named by path', async () => {
  await rejected('POST', '/v1/calls', { streamId: STREAM }, { paths: ['threadId'] });
  await rejected('POST', '/v1/calls', {}, { paths: ['threadId', 'streamId'] });
  await rejected('POST', '/v1/calls', { ...ok, threadId: 'has space' }, { paths: ['threadId'] });
  await rejected(
    'POST',
    '/v1/calls',
    { ...ok, streamId: 'x'.repeat(129) },
    { paths: ['streamId'] },
  );
  await rejected('POST', '/v1/calls', { ...ok, streamId: '' }, { paths: ['streamId'] });
  await rejected('POST', '/v1/calls', { ...ok, threadId: 42 }, { paths: ['threadId'] });
  const upper = 'A1B2C3D4-0000-4000-8000-000000000000';
  await rejected('POST', '/v1/calls', { ...ok, callId: upper }, { paths: ['callId'] });
  await rejected('POST', '/v1/calls', { ...ok, callId: 'not-a-uuid' }, { paths: ['callId'] });
  const typo = await rejected(
    'POST',
    '/v1/calls',
    { ...ok, threadID: THREAD },
    { paths: ['threadID'] },
  );
  assert.match(typo.error.details![0]!.message, /unknown field/);
  await rejected('POST', '/v1/calls', [ok], { paths: ['(root)'] });
  await rejected('POST', '/v1/calls', undefined, { paths: ['(root)'] });
});

test('ids in the path are checked: bad callId or userId is 400 naming the param', async () => {
  const params = { in: 'params' };
  await rejected('GET', '/v1/calls/not-a-uuid', undefined, { ...params, paths: ['callId'] });
  await rejected('POST', '/v1/calls/123/end', undefined, { ...params, paths: ['callId'] });
  const badUser = `/v1/calls/${callId}/participants/bad%20user/join`;
  await rejected('POST', badUser, undefined, { ...params, paths: ['userId'] });
  const longUser = `/v1/calls/${callId}/participants/${'u'.repeat(129)}`;
  await rejected('DELETE', longUser, undefined, { ...params, paths: ['userId'] });
  // Far past any id, the router itself refuses — in the same envelope.
  const hugeUser = `/v1/calls/${callId}/participants/${'u'.repeat(600)}`;
  await rejected('DELETE', hugeUser, undefined, { code: 'validation_error' });
});

test('invite and DTMF bodies: userId and digits are checked', async () => {
  const call = `/v1/calls/${callId}`;
  await rejected('POST', `${call}/participants`, {}, { paths: ['userId'] });
  await rejected('POST', `${call}/participants`, { userId: 'a/b' }, { paths: ['userId'] });
  await rejected('POST', `${call}/participants`, { userId: ALICE, role: 'x' }, { paths: ['role'] });
  await rejected('POST', `${call}/dtmf`, { digits: '' }, { paths: ['digits'] });
  await rejected('POST', `${call}/dtmf`, { digits: '1'.repeat(33) }, { paths: ['digits'] });
  await rejected('POST', `${call}/dtmf`, { digits: '12x' }, { paths: ['digits'] });
  await rejected('POST', `${call}/dtmf`, { digits: 'a' }, { paths: ['digits'] }); // lower case
  await rejected('POST', `${call}/dtmf`, { digits: 5 }, { paths: ['digits'] });
  await rejected('POST', `${call}/dtmf`, { digits: '1', userId: '' }, { paths: ['userId'] });
  // The limits themselves are accepted: 32 symbols, every symbol.
  const res = await t.request('POST', `${call}/dtmf`, {
    digits: '0123456789*#ABCD0123456789*#ABCD',
  });
  assert.equal(res.statusCode, 200, res.body);
});

test('query strings: bad values and unknown parameters are named', async () => {
  const q = { in: 'querystring' };
  await rejected('GET', '/v1/calls?state=ringing', undefined, { ...q, paths: ['state'] });
  await rejected('GET', '/v1/calls?limit=0', undefined, { ...q, paths: ['limit'] });
  await rejected('GET', '/v1/calls?limit=501', undefined, { ...q, paths: ['limit'] });
  await rejected('GET', '/v1/calls?limit=ten', undefined, { ...q, paths: ['limit'] });
  await rejected('GET', '/v1/calls?threadId=a%20b', undefined, { ...q, paths: ['threadId'] });
  await rejected('GET', '/v1/calls?status=active', undefined, { ...q, paths: ['status'] });
  await rejected('GET', '/v1/calls?cursor=%21%21', undefined, { code: 'validation_error' });
  await rejected('GET', '/v1/events?after=-1', undefined, { ...q, paths: ['after'] });
  await rejected('GET', '/v1/events?after=1.5', undefined, { ...q, paths: ['after'] });
  await rejected('GET', '/v1/events?callId=nope', undefined, { ...q, paths: ['callId'] });
  await rejected('GET', '/v1/events?type=call.ringing', undefined, { ...q, paths: ['type.0'] });
  await rejected('GET', '/v1/events?type=call.created,bogus', undefined, {
    ...q,
    paths: ['type.1'],
  });
  await rejected('GET', '/v1/events/stream?types=bogus', undefined, { ...q, paths: ['types.0'] });
  await rejected(
    'GET',
    '/v1/events/stream',
    undefined,
    { in: 'headers', paths: ['last-event-id'] },
    {
      'last-event-id': 'abc',
    },
  );
});

test('bad JSON, wrong content-type and bad Idempotency-Key are 400', async () => {
  const json = { 'content-type': 'application/json' };
  await rejected('POST', '/v1/calls', '{"threadId": ', {}, json);
  await rejected(
    'POST',
    '/v1/calls',
    'threadId=a',
    {},
    {
      'content-type': 'application/x-www-form-urlencoded',
    },
  );
  await rejected(
    'POST',
    '/v1/calls',
    ok,
    { in: 'headers', paths: ['idempotency-key'] },
    {
      'idempotency-key': 'k'.repeat(256),
    },
  );
  // A body-less command sent with a JSON content-type and nothing after it is fine.
  const res = await t.request('POST', `/v1/calls/${callId}/participants/${ALICE}/pause`, '', json);
  assert.equal(res.statusCode, 200, res.body);
});

test('a body over the limit is 413 payload_too_large', async () => {
  const big = { ...ok, padding: 'x'.repeat(BODY_LIMIT) };
  await rejected('POST', '/v1/calls', big, { status: 413, code: 'payload_too_large' });
  await rejected('POST', `/v1/calls/${callId}/dtmf`, big, {
    status: 413,
    code: 'payload_too_large',
  });
});

test('unknown routes and methods are 404 not_found in the error envelope', async () => {
  await rejected('GET', '/v1/nothing-here', undefined, { status: 404, code: 'not_found' });
  await rejected('DELETE', `/v1/calls/${callId}`, undefined, { status: 404, code: 'not_found' });
});
