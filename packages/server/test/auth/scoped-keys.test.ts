import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ADMIN_KEY, type KeyServer, startKeyServer } from './support/key-server.ts';

// POST /v1/keys → the key shown once; GET /v1/keys lists without it; DELETE revokes at once.

let s: KeyServer;
before(async () => {
  s = await startKeyServer();
});
after(() => s.close());

test('a created key is shown once, at least 24 random bytes, and works at once', async () => {
  const res = await s.request('POST', '/v1/keys', {
    body: { name: 'dashboard', scopes: ['events:read'] },
  });
  assert.equal(res.statusCode, 201, res.body);
  const created = res.json<Record<string, unknown> & { id: string; key: string }>();
  assert.match(created.id, /^key_[0-9a-f]{32}$/);
  assert.match(created.key, /^chk_[A-Za-z0-9_-]{43}$/); // 32 bytes in base64url
  assert.deepEqual(
    { ...created, id: undefined, key: undefined, createdAt: undefined },
    {
      id: undefined,
      key: undefined,
      createdAt: undefined,
      name: 'dashboard',
      scopes: ['events:read'],
      rateLimitPerSecond: 100,
    },
  );
  const events = await s.request('GET', '/v1/events', { key: created.key });
  assert.equal(events.statusCode, 200, events.body);

  const listed = await s.request('GET', '/v1/keys');
  assert.equal(listed.statusCode, 200);
  const page = listed.json<{ keys: Record<string, unknown>[] }>();
  const mine = page.keys.find((k) => k.id === created.id);
  assert.ok(mine);
  assert.equal(mine.key, undefined, 'a listing never shows the key');
  assert.equal(mine.hash, undefined, 'nor its hash');
  assert.ok(!listed.body.includes(created.key));
});

test('two keys made at once differ', async () => {
  const [a, b] = await Promise.all([
    s.createKey({ name: 'a', scopes: ['calls:write'] }),
    s.createKey({ name: 'b', scopes: ['calls:write'] }),
  ]);
  assert.notEqual(a.key, b.key);
  assert.notEqual(a.id, b.id);
});

test('a revoked key is refused from the next request on', async () => {
  const { id, key } = await s.createKey({ name: 'bot', scopes: ['calls:write'] });
  assert.equal((await s.request('GET', '/v1/calls', { key })).statusCode, 200);
  const revoked = await s.request('DELETE', `/v1/keys/${id}`);
  assert.equal(revoked.statusCode, 204, revoked.body);
  const refused = await s.request('GET', '/v1/calls', { key });
  assert.equal(refused.statusCode, 401);
  assert.equal(refused.json<{ error: { code: string } }>().error.code, 'unauthorized');
  const again = await s.request('DELETE', `/v1/keys/${id}`);
  assert.equal(again.statusCode, 404);
});

test('bad key requests are 400s that create nothing', async () => {
  const before = (await s.request('GET', '/v1/keys?limit=500')).json<{ keys: unknown[] }>().keys
    .length;
  for (const body of [
    {},
    { name: 'x' },
    { name: 'x', scopes: [] },
    { name: 'x', scopes: ['root'] },
    { name: '', scopes: ['admin'] },
    { name: 'x', scopes: ['admin'], rateLimitPerSecond: 0 },
    { name: 'x', scopes: ['admin'], rateLimitPerSecond: -1 },
    { name: 'x', scopes: ['admin'], extra: true },
  ]) {
    const res = await s.request('POST', '/v1/keys', { body });
    assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
    assert.equal(res.json<{ error: { code: string } }>().error.code, 'validation_error');
  }
  const after = (await s.request('GET', '/v1/keys?limit=500')).json<{ keys: unknown[] }>().keys
    .length;
  assert.equal(after, before);
  assert.equal((await s.request('DELETE', '/v1/keys/not-a-key-id')).statusCode, 400);
});

test('the bootstrap admin key is not listed and cannot be revoked through the API', async () => {
  const page = await s.request('GET', '/v1/keys?limit=500');
  assert.ok(!page.body.includes(ADMIN_KEY));
  assert.equal((await s.request('GET', '/v1/keys')).statusCode, 200);
});
