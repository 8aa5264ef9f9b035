import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  createEndpoint,
  type EndpointTestApp,
  PUBLIC_URL,
  startEndpointTestApp,
} from './support/endpoint-test-app.ts';
import { STREAM, THREAD } from './support/test-app.ts';

// docs/contract.md §3: POST /v1/endpoints → 201 with the secret, GET/PATCH/DELETE by id, a list.
// The create answer is the only one that shows a secret.

const SECRET = /^whsec_[A-Za-z0-9+/]+=*$/;

let t: EndpointTestApp;
before(async () => {
  t = await startEndpointTestApp();
});
after(() => t.close());

test('create answers 201 with the endpoint and a whsec_ secret of at least 24 random bytes', async () => {
  const res = await t.request('POST', '/v1/endpoints', {
    url: PUBLIC_URL,
    eventTypes: ['call.ended', 'call.created', 'call.ended'],
    filter: { streamId: STREAM },
    description: 'billing bot',
  });
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json();
  assert.match(body.id, /^ep_[A-Za-z0-9]+$/);
  assert.match(body.secret, SECRET);
  const key = Buffer.from(body.secret.slice('whsec_'.length), 'base64');
  assert.ok(key.length >= 24, `secret has ${key.length} bytes`);
  const now = t.clock.now();
  assert.deepEqual(body, {
    id: body.id,
    url: PUBLIC_URL,
    description: 'billing bot',
    // Duplicates dropped, in the SDK's order.
    eventTypes: ['call.created', 'call.ended'],
    filter: { streamId: STREAM },
    enabled: true,
    disabledReason: null,
    failingSince: null,
    createdAt: now,
    updatedAt: now,
    secretRotation: null,
    secret: body.secret,
  });
  // Stored: the store holds the same secret, current (no expiry).
  const stored = await t.store.deliveries.getEndpoint(body.id);
  assert.deepEqual(stored?.secrets, [{ secret: body.secret, createdAt: now, expiresAt: null }]);
});

test('two endpoints never share a secret or an id', async () => {
  const a = await createEndpoint(t);
  const b = await createEndpoint(t);
  assert.notEqual(a.id, b.id);
  assert.notEqual(a.secret, b.secret);
});

test('defaults: every event type, no filter, no description; the URL as it will be dialled', async () => {
  const created = await createEndpoint(t, { url: 'HTTPS://Hooks.Example.com:443/a/../hook?x=1' });
  assert.equal(created.url, 'https://hooks.example.com/hook?x=1');
  assert.equal(created.eventTypes, null);
  assert.equal(created.filter, null);
  assert.equal(created.description, null);
  const empty = await createEndpoint(t, { filter: {}, eventTypes: null, description: null });
  assert.equal(empty.filter, null);
  assert.equal(empty.eventTypes, null);
});

test('GET and the list never show a secret', async () => {
  const created = await createEndpoint(t, { description: 'no secrets here' });
  const got = await t.request('GET', `/v1/endpoints/${created.id}`);
  assert.equal(got.statusCode, 200, got.body);
  const { secret: _secret, ...view } = created;
  assert.deepEqual(got.json(), view);
  assert.ok(!got.body.includes('whsec_'), got.body);
  assert.ok(!('secret' in got.json()));

  const list = await t.request('GET', '/v1/endpoints?limit=500');
  assert.equal(list.statusCode, 200, list.body);
  assert.ok(!list.body.includes('whsec_'), 'the list shows a secret');
  const ids = list.json().endpoints.map((e: { id: string }) => e.id);
  assert.ok(ids.includes(created.id));
});

test('the list pages newest first with a cursor', async () => {
  const fresh = await startEndpointTestApp();
  try {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      made.push((await createEndpoint(fresh, { description: `n${i}` })).id);
      fresh.clock.advance(1);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const res = await fresh.request('GET', `/v1/endpoints?limit=2${query}`);
      assert.equal(res.statusCode, 200, res.body);
      const page = res.json<{ endpoints: { id: string }[]; nextCursor: string | null }>();
      assert.ok(page.endpoints.length <= 2);
      seen.push(...page.endpoints.map((e) => e.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null);
    assert.deepEqual(seen, [...made].reverse());
    assert.equal(pages, 3);
  } finally {
    await fresh.close();
  }
});

test('PATCH changes only the given fields; null clears', async () => {
  const created = await createEndpoint(t, {
    eventTypes: ['call.created'],
    filter: { threadId: THREAD },
    description: 'before',
  });
  t.clock.advance(1000);
  const res = await t.request('PATCH', `/v1/endpoints/${created.id}`, {
    description: 'after',
    eventTypes: null,
  });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.equal(body.description, 'after');
  assert.equal(body.eventTypes, null);
  assert.deepEqual(body.filter, { threadId: THREAD });
  assert.equal(body.url, PUBLIC_URL);
  assert.equal(body.updatedAt, (created.createdAt as number) + 1000);
  assert.equal(body.createdAt, created.createdAt);
  assert.ok(!res.body.includes('whsec_'));

  const moved = await t.request('PATCH', `/v1/endpoints/${created.id}`, {
    url: 'https://other.example.com/v2',
    filter: null,
  });
  assert.equal(moved.statusCode, 200, moved.body);
  assert.equal(moved.json().url, 'https://other.example.com/v2');
  assert.equal(moved.json().filter, null);
  // The secret is untouched by a PATCH.
  const stored = await t.store.deliveries.getEndpoint(created.id);
  assert.equal(stored?.secrets[0]?.secret, created.secret);
  assert.deepEqual((await t.request('GET', `/v1/endpoints/${created.id}`)).json(), moved.json());
});

test('DELETE answers 204 with no body; then the endpoint is gone (404)', async () => {
  const created = await createEndpoint(t);
  const res = await t.request('DELETE', `/v1/endpoints/${created.id}`);
  assert.equal(res.statusCode, 204);
  assert.equal(res.body, '');
  for (const [method, path] of [
    ['GET', ''],
    ['PATCH', ''],
    ['DELETE', ''],
    ['POST', '/rotate-secret'],
    ['POST', '/enable'],
    ['GET', '/deliveries'],
  ] as const) {
    const body = method === 'PATCH' ? { description: 'x' } : undefined;
    const gone = await t.request(method, `/v1/endpoints/${created.id}${path}`, body);
    assert.equal(gone.statusCode, 404, `${method} ${path}: ${gone.body}`);
    assert.equal(gone.json().error.code, 'not_found');
  }
  const replay = await t.request('POST', `/v1/endpoints/${created.id}/replay`, { since: 0 });
  assert.equal(replay.statusCode, 404, replay.body);
});

test('unknown endpoint ids are 404 not_found', async () => {
  const res = await t.request('GET', '/v1/endpoints/ep_nope');
  assert.equal(res.statusCode, 404);
  assert.equal(res.json().error.code, 'not_found');
});

test('the OpenAPI document describes every endpoint and delivery route', async () => {
  const res = await t.request('GET', '/openapi.json');
  assert.equal(res.statusCode, 200, res.body);
  const paths = res.json().paths as Record<string, Record<string, unknown>>;
  const routes = Object.entries(paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
  );
  for (const route of [
    'POST /v1/endpoints',
    'GET /v1/endpoints',
    'GET /v1/endpoints/{id}',
    'PATCH /v1/endpoints/{id}',
    'DELETE /v1/endpoints/{id}',
    'POST /v1/endpoints/{id}/rotate-secret',
    'POST /v1/endpoints/{id}/enable',
    'GET /v1/endpoints/{id}/deliveries',
    'POST /v1/deliveries/{id}/retry',
    'POST /v1/endpoints/{id}/replay',
  ]) {
    assert.ok(routes.includes(route), `${route} missing from ${routes.join(', ')}`);
  }
  const replay = paths['/v1/endpoints/{id}/replay']?.post as {
    requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> };
  };
  const since = replay.requestBody.content['application/json']?.schema.properties.since;
  assert.match(JSON.stringify(since), /date-time/);
});
