import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { attemptHead } from './support/delivery-outcomes.ts';
import {
  createEndpoint,
  type EndpointTestApp,
  startEndpointTestApp,
} from './support/endpoint-test-app.ts';
import { createCall } from './support/test-app.ts';

// docs/contract.md §3: POST /v1/deliveries/:id/retry sends a delivery again — a failed one goes
// back to pending, due now, and the dispatcher is woken. Unknown ids are 404; a delivered one
// is a conflict (replay sends an event again).

let t: EndpointTestApp;
let endpointId: string;
before(async () => {
  t = await startEndpointTestApp();
  endpointId = (await createEndpoint(t)).id;
});
after(() => t.close());

test('an unknown delivery is 404 not_found and wakes nothing', async () => {
  const wakes = t.wakes;
  const res = await t.request('POST', '/v1/deliveries/dlv_00000000000000000000000000000000/retry');
  assert.equal(res.statusCode, 404, res.body);
  assert.equal(res.json().error.code, 'not_found');
  assert.equal(t.wakes, wakes);
});

test('a failed delivery goes again: pending, due now, attempts kept, dispatcher woken', async () => {
  await createCall(t);
  const head = await attemptHead(t, endpointId, {
    statusCode: 503,
    latencyMs: 8,
    next: { status: 'failed' },
  });
  t.clock.advance(60_000);
  const wakes = t.wakes;
  const res = await t.request('POST', `/v1/deliveries/${head.id}/retry`);
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.equal(body.id, head.id);
  assert.equal(body.status, 'pending');
  assert.equal(body.nextAttemptAt, t.clock.now());
  assert.equal(body.attempts.length, 1);
  assert.equal(body.attempts[0].statusCode, 503);
  assert.equal(t.wakes, wakes + 1);

  // The dispatcher finds it due; this time it is delivered.
  await attemptHead(t, endpointId, {
    statusCode: 204,
    latencyMs: 5,
    next: { status: 'delivered' },
  });
  const list = await t.request('GET', `/v1/endpoints/${endpointId}/deliveries?status=delivered`);
  const [delivered] = list.json().deliveries;
  assert.equal(delivered.id, head.id);
  assert.deepEqual(
    delivered.attempts.map((a: { attempt: number; statusCode: number }) => [
      a.attempt,
      a.statusCode,
    ]),
    [
      [1, 503],
      [2, 204],
    ],
  );
});

test('retrying a delivered delivery is a 409 conflict that changes nothing', async () => {
  const list = await t.request('GET', `/v1/endpoints/${endpointId}/deliveries?status=delivered`);
  const [delivered] = list.json().deliveries;
  const wakes = t.wakes;
  const res = await t.request('POST', `/v1/deliveries/${delivered.id}/retry`);
  assert.equal(res.statusCode, 409, res.body);
  assert.equal(res.json().error.code, 'conflict');
  assert.match(res.json().error.message, /replay/);
  assert.equal(t.wakes, wakes);
  const again = await t.request('GET', `/v1/endpoints/${endpointId}/deliveries?status=delivered`);
  assert.deepEqual(again.json().deliveries[0], delivered);
});
