import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ALICE, API_KEY, STREAM, startTestApp, type TestApp, THREAD } from './support/test-app.ts';

// docs/contract.md §3: `Authorization: Bearer <api key>` on every route but health.

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

async function expectUnauthorized(method: string, url: string, headers: Record<string, string>) {
  const res = await t.app.inject({
    method: method as 'GET',
    url,
    headers,
    ...(method !== 'GET' && method !== 'DELETE' && { payload: {} }),
  });
  assert.equal(
    res.statusCode,
    401,
    `${method} ${url} with ${JSON.stringify(headers)}: ${res.body}`,
  );
  assert.equal(res.headers['www-authenticate'], 'Bearer');
  const body = res.json<{ error: { code: string; message: string } }>();
  assert.equal(body.error.code, 'unauthorized');
  assert.ok(!body.error.message.includes(API_KEY));
}

test('every documented route but /healthz and /readyz refuses a missing or wrong key', async () => {
  await t.app.ready();
  const paths = (t.app.swagger() as { paths: Record<string, Record<string, unknown>> }).paths;
  const open = new Set(['/healthz', '/readyz']);
  let checked = 0;
  for (const [path, methods] of Object.entries(paths)) {
    const url = path.replace('{callId}', randomUUID()).replace('{userId}', ALICE);
    for (const method of Object.keys(methods).map((m) => m.toUpperCase())) {
      if (open.has(path)) continue;
      await expectUnauthorized(method, url, {});
      await expectUnauthorized(method, url, { authorization: 'Bearer wrong-key' });
      await expectUnauthorized(method, url, { authorization: `Basic ${API_KEY}` });
      await expectUnauthorized(method, url, { authorization: API_KEY });
      await expectUnauthorized(method, url, { authorization: `Bearer ${API_KEY}x` });
      checked++;
    }
  }
  // The contract's control, event and operations routes (minus health) are all there.
  assert.ok(checked >= 14, `only ${checked} routes checked`);
});

test('unknown routes need the key too (the route table is not probed anonymously)', async () => {
  await expectUnauthorized('GET', '/v1/secret-admin', {});
  const res = await t.request('GET', '/v1/secret-admin');
  assert.equal(res.statusCode, 404);
});

test('a refused request emits nothing', async () => {
  const before = await t.store.lastEventPosition();
  await expectUnauthorized('POST', '/v1/calls', { 'x-unrelated': THREAD });
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/calls',
    payload: { threadId: THREAD, streamId: STREAM },
  });
  assert.equal(res.statusCode, 401);
  assert.equal(await t.store.lastEventPosition(), before);
});

test('the right key is accepted, with the scheme in any case', async () => {
  for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/calls',
      headers: { authorization: `${scheme} ${API_KEY}` },
    });
    assert.equal(res.statusCode, 200, `${scheme}: ${res.body}`);
  }
});

test('/healthz and /readyz answer without a key', async () => {
  for (const url of ['/healthz', '/readyz']) {
    const res = await t.app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 200, url);
    assert.deepEqual(res.json(), { status: 'ok' });
  }
});
