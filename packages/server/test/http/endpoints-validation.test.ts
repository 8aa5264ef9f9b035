import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  createEndpoint,
  type EndpointTestApp,
  PUBLIC_URL,
  startEndpointTestApp,
} from './support/endpoint-test-app.ts';

// Malformed endpoint requests are 400 validation_error naming each bad field (`in` + `path`),
// and change nothing: no endpoint is created or altered.

interface ErrorBody {
  error: { code: string; message: string; details?: { in: string; path: string }[] };
}

let t: EndpointTestApp;
let endpointId: string;
before(async () => {
  t = await startEndpointTestApp();
  endpointId = (await createEndpoint(t, { description: 'kept' })).id;
});
after(() => t.close());

async function snapshot() {
  const page = await t.store.deliveries.listEndpoints({ limit: 500 });
  return page.items;
}

async function rejected(
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  body: unknown,
  paths: string[],
  where = 'body',
): Promise<ErrorBody> {
  const before = await snapshot();
  const res = await t.request(method, url, body);
  const what = `${method} ${url} ${JSON.stringify(body)}`;
  assert.equal(res.statusCode, 400, `${what}: ${res.body}`);
  const parsed = res.json<ErrorBody>();
  assert.equal(parsed.error.code, 'validation_error', what);
  assert.deepEqual(parsed.error.details?.map((d) => d.path).sort(), [...paths].sort(), what);
  for (const d of parsed.error.details ?? []) assert.equal(d.in, where, what);
  assert.deepEqual(await snapshot(), before, `${what} changed an endpoint`);
  return parsed;
}

test('create: url missing, not a string, too long, not http(s), with credentials', async () => {
  const create = (body: unknown, paths: string[]) => rejected('POST', '/v1/endpoints', body, paths);
  await create({}, ['url']);
  await create({ url: 42 }, ['url']);
  await create({ url: '' }, ['url']);
  await create({ url: `https://hooks.example.com/${'a'.repeat(2048)}` }, ['url']);
  await create({ url: 'not a url' }, ['url']);
  await create({ url: 'ftp://hooks.example.com/x' }, ['url']);
  await create({ url: 'https://user:pw@hooks.example.com/x' }, ['url']);
  // A name that does not resolve is named too (the resolver is a fixed table).
  await create({ url: 'https://nowhere.example.com/x' }, ['url']);
});

test('create: eventTypes must be known types, non-empty when given', async () => {
  const create = (eventTypes: unknown, paths: string[]) =>
    rejected('POST', '/v1/endpoints', { url: PUBLIC_URL, eventTypes }, paths);
  await create([], ['eventTypes']);
  await create(['call.started'], ['eventTypes.0']);
  await create(['call.created', 'CALL.ENDED'], ['eventTypes.1']);
  await create('call.created', ['eventTypes']);
});

test('create: filter ids follow the SDK id rules; unknown filter keys are named', async () => {
  const create = (filter: unknown, paths: string[]) =>
    rejected('POST', '/v1/endpoints', { url: PUBLIC_URL, filter }, paths);
  await create({ streamId: '' }, ['filter.streamId']);
  await create({ threadId: 'has space' }, ['filter.threadId']);
  await create({ threadId: 'x'.repeat(129) }, ['filter.threadId']);
  await create({ callId: 'x' }, ['filter.callId']);
  await create('stream', ['filter']);
});

test('create: description at most 256 characters; unknown fields are named', async () => {
  await rejected('POST', '/v1/endpoints', { url: PUBLIC_URL, description: 'd'.repeat(257) }, [
    'description',
  ]);
  await rejected('POST', '/v1/endpoints', { url: PUBLIC_URL, secret: 'whsec_x' }, ['secret']);
  await rejected('POST', '/v1/endpoints', { url: PUBLIC_URL, enabled: false }, ['enabled']);
  // 256 itself is fine.
  const ok = await t.request('POST', '/v1/endpoints', {
    url: PUBLIC_URL,
    description: 'd'.repeat(256),
  });
  assert.equal(ok.statusCode, 201, ok.body);
  await t.request('DELETE', `/v1/endpoints/${ok.json().id}`);
});

test('PATCH: same rules; an empty patch is refused', async () => {
  const url = `/v1/endpoints/${endpointId}`;
  await rejected('PATCH', url, {}, ['(root)']);
  await rejected('PATCH', url, { url: 'gopher://x' }, ['url']);
  await rejected('PATCH', url, { eventTypes: [] }, ['eventTypes']);
  await rejected('PATCH', url, { filter: { streamId: 'a/b' } }, ['filter.streamId']);
  await rejected('PATCH', url, { description: 'd'.repeat(257) }, ['description']);
  await rejected('PATCH', url, { enabled: 'no' }, ['enabled']);
  await rejected('PATCH', url, { secrets: [] }, ['secrets']);
});

test('query strings and path ids are checked', async () => {
  await rejected('GET', '/v1/endpoints?limit=0', undefined, ['limit'], 'querystring');
  await rejected('GET', '/v1/endpoints?limit=501', undefined, ['limit'], 'querystring');
  await rejected('GET', '/v1/endpoints?sort=asc', undefined, ['sort'], 'querystring');
  await rejected('GET', '/v1/endpoints/bad%20id', undefined, ['id'], 'params');
  await rejected('GET', `/v1/endpoints/${'e'.repeat(129)}`, undefined, ['id'], 'params');
  const deliveries = `/v1/endpoints/${endpointId}/deliveries`;
  await rejected('GET', `${deliveries}?status=done`, undefined, ['status'], 'querystring');
  await rejected('POST', '/v1/deliveries/bad%2Fid/retry', undefined, ['id'], 'params');
});

test('a malformed cursor is a validation_error', async () => {
  for (const url of [
    '/v1/endpoints?cursor=!!!',
    '/v1/endpoints?cursor=bm90LWpzb24',
    `/v1/endpoints/${endpointId}/deliveries?cursor=WzEsMl0`,
  ]) {
    const res = await t.request('GET', url);
    assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
    assert.equal(res.json().error.code, 'validation_error');
  }
});
