import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createEndpoint,
  type EndpointTestApp,
  startEndpointTestApp,
} from './support/endpoint-test-app.ts';

// docs/contract.md §4: endpoint URLs that resolve to loopback, private, link-local or other
// non-public addresses are refused at creation (and on PATCH), unless the operator allows
// them. Host names go through the test's fixed resolver: no real DNS, no real network.

const NON_PUBLIC = [
  'http://127.0.0.1/hook',
  'http://127.1:8080/hook',
  'http://2130706433/',
  'http://localhost:3000/hook',
  'http://[::1]/hook',
  'http://10.1.2.3/hook',
  'http://192.168.0.10/hook',
  'http://169.254.169.254/latest/meta-data/',
  'http://[::ffff:127.0.0.1]/',
  'https://internal.example.com/hook',
  // One private address among the answers is enough to refuse.
  'https://rebind.example.com/hook',
];

async function endpointCount(t: EndpointTestApp): Promise<number> {
  return (await t.store.deliveries.listEndpoints({ limit: 500 })).items.length;
}

describe('private targets forbidden (the default)', () => {
  let t: EndpointTestApp;
  before(async () => {
    t = await startEndpointTestApp();
  });
  after(() => t.close());

  test('create refuses each non-public target with forbidden_target (400), storing nothing', async () => {
    for (const url of NON_PUBLIC) {
      const res = await t.request('POST', '/v1/endpoints', { url });
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      const { error } = res.json();
      assert.equal(error.code, 'forbidden_target', url);
      assert.match(error.message, /allow-private-targets/);
      assert.ok(error.details.addressClass !== 'public', url);
    }
    assert.equal(await endpointCount(t), 0);
  });

  test('PATCH re-checks a new url: forbidden_target, and the endpoint is unchanged', async () => {
    const created = await createEndpoint(t);
    const before = await t.store.deliveries.getEndpoint(created.id);
    for (const url of ['http://127.0.0.1/hook', 'https://internal.example.com/x']) {
      const res = await t.request('PATCH', `/v1/endpoints/${created.id}`, {
        url,
        description: 'moved',
      });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().error.code, 'forbidden_target');
    }
    assert.deepEqual(await t.store.deliveries.getEndpoint(created.id), before);
    const ok = await t.request('PATCH', `/v1/endpoints/${created.id}`, {
      url: 'https://other.example.com/hook',
    });
    assert.equal(ok.statusCode, 200, ok.body);
  });
});

describe('allowPrivateTargets', () => {
  let t: EndpointTestApp;
  before(async () => {
    t = await startEndpointTestApp({ policy: { allowPrivateTargets: true } });
  });
  after(() => t.close());

  test('every one of those targets is accepted', async () => {
    for (const url of NON_PUBLIC) {
      const res = await t.request('POST', '/v1/endpoints', { url });
      assert.equal(res.statusCode, 201, `${url}: ${res.body}`);
    }
    assert.equal(await endpointCount(t), NON_PUBLIC.length);
  });
});

describe('an allowed CIDR', () => {
  let t: EndpointTestApp;
  before(async () => {
    t = await startEndpointTestApp({ policy: { allowTargets: ['10.0.0.0/24'] } });
  });
  after(() => t.close());

  test('opens that range only', async () => {
    const inside = await t.request('POST', '/v1/endpoints', {
      url: 'https://internal.example.com/hook',
    });
    assert.equal(inside.statusCode, 201, inside.body);
    const outside = await t.request('POST', '/v1/endpoints', { url: 'http://10.0.1.1/hook' });
    assert.equal(outside.statusCode, 400, outside.body);
    assert.equal(outside.json().error.code, 'forbidden_target');
  });
});
