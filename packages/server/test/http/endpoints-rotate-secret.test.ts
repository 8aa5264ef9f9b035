import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  createEndpoint,
  type EndpointTestApp,
  startEndpointTestApp,
} from './support/endpoint-test-app.ts';
import { createCall } from './support/test-app.ts';

// docs/contract.md §3: POST /v1/endpoints/:id/rotate-secret makes a new secret, shown once; the
// old one keeps signing too for 24 h. What signs is checked where the dispatcher gets it:
// the `secrets` of the deliveries the store hands out (claimDue).

const HOUR = 60 * 60 * 1000;
const SECRET = /^whsec_[A-Za-z0-9+/]+=*$/;

let t: EndpointTestApp;
before(async () => {
  t = await startEndpointTestApp();
});
after(() => t.close());

/** The secrets a delivery to `endpointId` would be signed with now (claims with a 1 ms lease). */
async function signingSecrets(endpointId: string): Promise<string[]> {
  const now = t.clock.now();
  const due = await t.store.deliveries.claimDue(now, {
    owner: 'node_test',
    limit: 100,
    leaseUntil: now + 1,
  });
  const mine = due.find((d) => d.endpointId === endpointId);
  assert.ok(mine, `no delivery due for ${endpointId}`);
  t.clock.advance(1); // the lease ends, so the next look finds it again
  return mine.secrets;
}

async function rotate(endpointId: string) {
  const res = await t.request('POST', `/v1/endpoints/${endpointId}/rotate-secret`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

test('the new secret signs with the old one for exactly 24 h, then alone', async () => {
  const endpoint = await createEndpoint(t);
  await createCall(t);
  assert.deepEqual(await signingSecrets(endpoint.id), [endpoint.secret]);

  t.clock.advance(1000);
  const rotatedAt = t.clock.now();
  const rotated = await rotate(endpoint.id);
  assert.match(rotated.secret, SECRET);
  assert.ok(Buffer.from(rotated.secret.slice(6), 'base64').length >= 24);
  assert.notEqual(rotated.secret, endpoint.secret);
  assert.equal(rotated.id, endpoint.id);
  assert.deepEqual(rotated.secretRotation, { previousExpiresAt: rotatedAt + 24 * HOUR });
  assert.equal(rotated.updatedAt, rotatedAt);

  // The store: the old secret's expiresAt is now + 24 h; the new one is current.
  const stored = await t.store.deliveries.getEndpoint(endpoint.id);
  assert.deepEqual(
    stored?.secrets.map((s) => [s.secret, s.expiresAt]),
    [
      [rotated.secret, null],
      [endpoint.secret, rotatedAt + 24 * HOUR],
    ],
  );

  // GET shows the rotation, never a secret.
  const got = await t.request('GET', `/v1/endpoints/${endpoint.id}`);
  assert.deepEqual(got.json().secretRotation, { previousExpiresAt: rotatedAt + 24 * HOUR });
  assert.ok(!got.body.includes('whsec_'));

  assert.deepEqual(await signingSecrets(endpoint.id), [rotated.secret, endpoint.secret]);
  t.clock.advance(rotatedAt + 24 * HOUR - 1 - t.clock.now());
  assert.deepEqual(await signingSecrets(endpoint.id), [rotated.secret, endpoint.secret]);
  // Now exactly 24 h after the rotation: the old secret no longer signs.
  assert.equal(t.clock.now(), rotatedAt + 24 * HOUR);
  assert.deepEqual(await signingSecrets(endpoint.id), [rotated.secret]);
  const later = await t.request('GET', `/v1/endpoints/${endpoint.id}`);
  assert.equal(later.json().secretRotation, null);

  // A later rotation drops the expired secret from the record.
  const again = await rotate(endpoint.id);
  const kept = await t.store.deliveries.getEndpoint(endpoint.id);
  assert.deepEqual(
    kept?.secrets.map((s) => s.secret),
    [again.secret, rotated.secret],
  );
});

test('rotating again within the overlap keeps the older secret until its own expiry', async () => {
  const endpoint = await createEndpoint(t);
  const first = await rotate(endpoint.id);
  const firstAt = t.clock.now();
  t.clock.advance(HOUR);
  const second = await rotate(endpoint.id);
  const stored = await t.store.deliveries.getEndpoint(endpoint.id);
  assert.deepEqual(
    stored?.secrets.map((s) => [s.secret, s.expiresAt]),
    [
      [second.secret, null],
      [first.secret, firstAt + HOUR + 24 * HOUR],
      [endpoint.secret, firstAt + 24 * HOUR],
    ],
  );
  assert.deepEqual(second.secretRotation, { previousExpiresAt: firstAt + 25 * HOUR });
});

test('concurrent rotations lose neither new secret', async () => {
  const endpoint = await createEndpoint(t);
  const answers = await Promise.all([1, 2, 3].map(() => rotate(endpoint.id)));
  const stored = await t.store.deliveries.getEndpoint(endpoint.id);
  const live = stored?.secrets.map((s) => s.secret) ?? [];
  for (const answer of answers) assert.ok(live.includes(answer.secret), 'a rotation was lost');
  assert.ok(live.includes(endpoint.secret));
  assert.equal(stored?.secrets.filter((s) => s.expiresAt === null).length, 1);
});

test('rotating an unknown endpoint is 404', async () => {
  const res = await t.request('POST', '/v1/endpoints/ep_missing/rotate-secret');
  assert.equal(res.statusCode, 404);
  assert.equal(res.json().error.code, 'not_found');
});
