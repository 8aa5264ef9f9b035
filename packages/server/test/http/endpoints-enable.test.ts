import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  createEndpoint,
  type EndpointTestApp,
  startEndpointTestApp,
} from './support/endpoint-test-app.ts';
import { createCall } from './support/test-app.ts';

// Disabling by hand (PATCH enabled:false → reason manual) parks an endpoint's deliveries;
// POST /v1/endpoints/:id/enable (docs/contract.md §4 "re-enable via API") clears the reason and
// the failure run, makes the waiting deliveries due again, and wakes the dispatcher.

let t: EndpointTestApp;
before(async () => {
  t = await startEndpointTestApp();
});
after(() => t.close());

async function dueFor(endpointId: string): Promise<number> {
  const now = t.clock.now();
  const due = await t.store.deliveries.claimDue(now, {
    owner: 'node_test',
    limit: 100,
    leaseUntil: now + 1,
  });
  t.clock.advance(1); // let the lease lapse so the next look sees the same rows
  return due.filter((d) => d.endpointId === endpointId).length;
}

test('PATCH enabled:false disables with reason manual and parks the deliveries', async () => {
  const endpoint = await createEndpoint(t);
  await createCall(t);
  assert.equal(await dueFor(endpoint.id), 1);
  const wakes = t.wakes;

  const res = await t.request('PATCH', `/v1/endpoints/${endpoint.id}`, { enabled: false });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().enabled, false);
  assert.equal(res.json().disabledReason, 'manual');
  assert.equal(await dueFor(endpoint.id), 0);
  assert.equal(t.wakes, wakes, 'disabling has nothing to wake the dispatcher for');

  const enabled = await t.request('POST', `/v1/endpoints/${endpoint.id}/enable`);
  assert.equal(enabled.statusCode, 200, enabled.body);
  assert.equal(enabled.json().enabled, true);
  assert.equal(enabled.json().disabledReason, null);
  assert.equal(await dueFor(endpoint.id), 1);
  assert.equal(t.wakes, wakes + 1);
});

test('enable resets an endpoint the dispatcher disabled for failing: reason and failingSince', async () => {
  const endpoint = await createEndpoint(t);
  const stored = await t.store.deliveries.getEndpoint(endpoint.id);
  assert.ok(stored);
  const failingSince = t.clock.now() - 5 * 24 * 60 * 60 * 1000;
  await t.store.deliveries.updateEndpoint({
    ...stored,
    enabled: false,
    disabledReason: 'failing',
    failingSince,
  });
  const got = await t.request('GET', `/v1/endpoints/${endpoint.id}`);
  assert.equal(got.json().disabledReason, 'failing');
  assert.equal(got.json().failingSince, failingSince);

  // Disabling again by hand keeps the reason the endpoint stopped for.
  const patched = await t.request('PATCH', `/v1/endpoints/${endpoint.id}`, { enabled: false });
  assert.equal(patched.json().disabledReason, 'failing');

  t.clock.advance(500);
  const wakes = t.wakes;
  const res = await t.request('POST', `/v1/endpoints/${endpoint.id}/enable`);
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.equal(body.enabled, true);
  assert.equal(body.disabledReason, null);
  assert.equal(body.failingSince, null);
  assert.equal(body.updatedAt, t.clock.now());
  assert.equal(t.wakes, wakes + 1);
  const after = await t.store.deliveries.getEndpoint(endpoint.id);
  assert.equal(after?.failingSince, null);
  assert.equal(after?.enabled, true);
  // Its secret is untouched.
  assert.equal(after?.secrets[0]?.secret, endpoint.secret);
});

test('PATCH enabled:true is the same as enable', async () => {
  const endpoint = await createEndpoint(t);
  const stored = await t.store.deliveries.getEndpoint(endpoint.id);
  assert.ok(stored);
  await t.store.deliveries.updateEndpoint({
    ...stored,
    enabled: false,
    disabledReason: 'gone',
    failingSince: t.clock.now(),
  });
  const wakes = t.wakes;
  const res = await t.request('PATCH', `/v1/endpoints/${endpoint.id}`, { enabled: true });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(
    [res.json().enabled, res.json().disabledReason, res.json().failingSince],
    [true, null, null],
  );
  assert.equal(t.wakes, wakes + 1);
});

test('enabling an unknown endpoint is 404 and wakes nothing', async () => {
  const wakes = t.wakes;
  const res = await t.request('POST', '/v1/endpoints/ep_missing/enable');
  assert.equal(res.statusCode, 404);
  assert.equal(res.json().error.code, 'not_found');
  assert.equal(t.wakes, wakes);
});
