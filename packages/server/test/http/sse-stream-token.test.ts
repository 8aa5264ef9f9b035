import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SseClient } from './support/sse-client.ts';
import { API_KEY, createCall, startTestApp, type TestApp } from './support/test-app.ts';

// A browser's EventSource cannot send Authorization: POST /v1/events/stream-token (with the
// API key) gives a short-lived token that opens GET /v1/events/stream?access_token=… and
// nothing else; a changed or expired token is a 401 that says to fetch a new one.

let t: TestApp;
let base: string;
const open: SseClient[] = [];
const FIVE_MINUTES = 5 * 60_000;

before(async () => {
  t = await startTestApp();
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  for (const client of open) client.close();
  await t.close();
});

async function newToken(): Promise<{ token: string; expiresAt: number; streamUrl: string }> {
  const res = await t.request('POST', '/v1/events/stream-token');
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

test('a stream token opens the stream without Authorization, and streams events', async () => {
  const { token, expiresAt, streamUrl } = await newToken();
  assert.match(token, /^cst_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  assert.equal(expiresAt, t.clock.now() + FIVE_MINUTES);
  assert.equal(streamUrl, `/v1/events/stream?access_token=${token}`);
  const client = await SseClient.open(`${base}${streamUrl}&after=0`);
  open.push(client);
  assert.equal(client.status, 200);
  await createCall(t);
  await client.untilFrames(1);
  assert.equal(client.frames[0]?.event, 'call.created');
});

test('a changed, expired or misplaced token is refused with 401', async () => {
  const { token } = await newToken();
  const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
  const bad = await t.app.inject({ url: `/v1/events/stream?access_token=${tampered}` });
  assert.equal(bad.statusCode, 401);
  assert.match(
    bad.json<{ error: { message: string } }>().error.message,
    /POST \/v1\/events\/stream-token/,
  );

  // Only the stream takes it: not the log, not a command.
  const log = await t.app.inject({ url: `/v1/events?access_token=${token}` });
  assert.equal(log.statusCode, 401);
  const command = await t.app.inject({ method: 'POST', url: `/v1/calls?access_token=${token}` });
  assert.equal(command.statusCode, 401);

  t.clock.advance(FIVE_MINUTES);
  const expired = await t.app.inject({ url: `/v1/events/stream?access_token=${token}` });
  assert.equal(expired.statusCode, 401);
});

test('getting a token needs the API key', async () => {
  const res = await t.app.inject({ method: 'POST', url: '/v1/events/stream-token' });
  assert.equal(res.statusCode, 401);
  const withKey = await t.app.inject({
    method: 'POST',
    url: '/v1/events/stream-token',
    headers: { authorization: `Bearer ${API_KEY}` },
  });
  assert.equal(withKey.statusCode, 201);
});
