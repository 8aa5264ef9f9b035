import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  createEndpoint,
  type EndpointTestApp,
  PUBLIC_URL,
  startEndpointTestApp,
} from './support/endpoint-test-app.ts';

// Every endpoint and delivery route needs `Authorization: Bearer <api key>` (docs/contract.md §3):
// without it, or with a wrong key, 401 unauthorized — and nothing is changed or shown.

let t: EndpointTestApp;
let id: string;
before(async () => {
  t = await startEndpointTestApp();
  id = (await createEndpoint(t)).id;
});
after(() => t.close());

const routes = (endpointId: string) =>
  [
    ['POST', '/v1/endpoints', { url: PUBLIC_URL }],
    ['GET', '/v1/endpoints'],
    ['GET', `/v1/endpoints/${endpointId}`],
    ['PATCH', `/v1/endpoints/${endpointId}`, { description: 'x' }],
    ['DELETE', `/v1/endpoints/${endpointId}`],
    ['POST', `/v1/endpoints/${endpointId}/rotate-secret`],
    ['POST', `/v1/endpoints/${endpointId}/enable`],
    ['GET', `/v1/endpoints/${endpointId}/deliveries`],
    ['POST', '/v1/deliveries/dlv_0123/retry'],
    ['POST', `/v1/endpoints/${endpointId}/replay`, { since: 0 }],
  ] as const;

test('each route answers 401 without a key and with a wrong one', async () => {
  const before = await t.store.deliveries.getEndpoint(id);
  for (const [method, url, body] of routes(id)) {
    for (const headers of [{ authorization: '' }, { authorization: 'Bearer wrong-key' }]) {
      const res = await t.app.inject({
        method,
        url,
        headers: headers.authorization ? headers : {},
        ...(body !== undefined && { payload: body }),
      });
      assert.equal(res.statusCode, 401, `${method} ${url}: ${res.body}`);
      assert.equal(res.json().error.code, 'unauthorized');
      assert.ok(!res.body.includes('whsec_'));
    }
  }
  assert.deepEqual(await t.store.deliveries.getEndpoint(id), before);
  assert.equal((await t.store.deliveries.listEndpoints({ limit: 500 })).items.length, 1);
});

test('the same routes with the key are served (not 401)', async () => {
  for (const [method, url, body] of routes(id)) {
    const res = await t.request(method, url, body);
    assert.notEqual(res.statusCode, 401, `${method} ${url}`);
    assert.ok(res.statusCode < 500, `${method} ${url}: ${res.body}`);
  }
});
