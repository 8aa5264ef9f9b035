import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ROUTE_SCOPES } from '../../src/auth/route-scopes.ts';
import { API_KEY_SCOPES, type ApiKeyScope } from '../../src/store/api-key-port.ts';
import { type KeyServer, startKeyServer } from './support/key-server.ts';

// docs/contract.md §3: a key without the scope a route needs gets 403 forbidden, naming it.
// Every documented route, with a key of each single scope.

let s: KeyServer;
const keyOf = {} as Record<ApiKeyScope, string>;
const routes: { method: string; path: string; url: string }[] = [];

before(async () => {
  s = await startKeyServer();
  for (const scope of API_KEY_SCOPES) {
    keyOf[scope] = (await s.createKey({ name: scope, scopes: [scope] })).key;
  }
  await s.server.app.ready();
  const paths = (s.server.app.swagger() as { paths: Record<string, Record<string, unknown>> })
    .paths;
  for (const [path, methods] of Object.entries(paths)) {
    if (path === '/healthz' || path === '/readyz') continue;
    const url = path
      .replace('{callId}', randomUUID())
      .replace('{userId}', 'alice')
      .replace('{id}', `key_${'0'.repeat(32)}`)
      // A bad cursor: an allowed key gets its 400 instead of a stream that never ends.
      .replace(/\/v1\/events\/stream$/, '/v1/events/stream?after=x');
    for (const method of Object.keys(methods))
      routes.push({ method: method.toUpperCase(), path, url });
  }
});
after(() => s.close());

/** `/v1/calls/{callId}` as fastify names it: `/v1/calls/:callId`. */
function routed(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

test('every documented route is in the scope table (none falls back to admin unseen)', () => {
  assert.ok(routes.length >= 27, `only ${routes.length} routes`);
  const missing = routes
    .map((r) => `${r.method} ${routed(r.path)}`)
    .filter((name) => ROUTE_SCOPES[name] === undefined);
  assert.deepEqual(missing, []);
});

test('each single-scope key is refused with 403 exactly where its scope does not open the route', async () => {
  for (const route of routes) {
    const opens = ROUTE_SCOPES[`${route.method} ${routed(route.path)}`] ?? ['admin'];
    for (const scope of API_KEY_SCOPES) {
      const res = await s.request(route.method as 'GET', route.url, {
        key: keyOf[scope],
        ...(route.method !== 'GET' && route.method !== 'DELETE' && { body: {} }),
      });
      const allowed = scope === 'admin' || opens.includes(scope);
      const where = `${route.method} ${route.path} with ${scope}: ${res.statusCode} ${res.body.slice(0, 200)}`;
      if (allowed) {
        assert.notEqual(res.statusCode, 403, where);
        assert.notEqual(res.statusCode, 401, where);
      } else {
        assert.equal(res.statusCode, 403, where);
        const { error } = res.json<{
          error: { code: string; message: string; details: { requiredScopes: string[] } };
        }>();
        assert.equal(error.code, 'forbidden');
        assert.deepEqual(error.details.requiredScopes, opens);
        for (const needed of opens) assert.ok(error.message.includes(needed), error.message);
      }
    }
  }
});

test('a forbidden command changes nothing and emits nothing', async () => {
  const before = await s.server.store.calls.lastEventPosition();
  const res = await s.request('POST', '/v1/calls', {
    key: keyOf['events:read'],
    body: { threadId: 't-1', streamId: 's-1' },
  });
  assert.equal(res.statusCode, 403);
  assert.equal(await s.server.store.calls.lastEventPosition(), before);
  const listed = await s.request('GET', '/v1/calls', { key: keyOf['events:read'] });
  assert.deepEqual(listed.json<{ calls: unknown[] }>().calls, []);
});

test('a key with two scopes may use the routes of both', async () => {
  const { key } = await s.createKey({ name: 'bot', scopes: ['calls:write', 'endpoints:write'] });
  const call = await s.request('POST', '/v1/calls', {
    key,
    body: { threadId: 't-2', streamId: 's-2' },
  });
  assert.equal(call.statusCode, 201, call.body);
  const endpoint = await s.request('POST', '/v1/endpoints', {
    key,
    body: { url: 'http://127.0.0.1:9/hook' },
  });
  assert.equal(endpoint.statusCode, 201, endpoint.body);
  assert.equal((await s.request('GET', '/v1/events', { key })).statusCode, 403);
  assert.equal((await s.request('GET', '/v1/keys', { key })).statusCode, 403);
});

test('unknown routes answer 404 to any valid key, 401 to none', async () => {
  assert.equal(
    (await s.request('GET', '/v1/nothing', { key: keyOf['events:read'] })).statusCode,
    404,
  );
  assert.equal(
    (await s.request('GET', '/v1/nothing', { key: 'chk_nobody-knows-this-key' })).statusCode,
    401,
  );
});
