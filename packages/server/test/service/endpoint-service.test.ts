import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.ts';
import { TargetPolicy } from '../../src/delivery/target-policy.ts';
import { CallhookError } from '../../src/errors.ts';
import { MAX_LIVE_SECRETS, SECRET_OVERLAP_MS } from '../../src/service/endpoint-secrets.ts';
import { EndpointService } from '../../src/service/endpoint-service.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.ts';
import { fixedResolver, PUBLIC_URL } from '../http/support/endpoint-test-app.ts';

// The endpoint service used directly, without HTTP: it checks its own input (any caller gets
// the HTTP layer's rules and field paths), and bounds the secrets a rotation spree leaves live.

let dir: string;
let store: SqliteStore;
let clock: ManualClock;
let service: EndpointService;
let ids = 0;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'callhook-endpoint-service-'));
  store = openSqliteStore({ path: join(dir, 'callhook.db') });
  clock = new ManualClock();
  service = new EndpointService({
    store: store.deliveries,
    clock,
    policy: new TargetPolicy(),
    resolve: fixedResolver,
    newId: () => `ep_test${++ids}`,
  });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<CallhookError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CallhookError, String(error));
    return error;
  }
  assert.fail('expected a rejection');
}

test('input is checked by the service itself, with field paths', async () => {
  const bad = await rejection(
    service.create({
      url: PUBLIC_URL,
      eventTypes: ['call.nope' as 'call.created'],
      description: 'x'.repeat(300),
    }),
  );
  assert.equal(bad.code, 'validation_error');
  assert.deepEqual(
    (bad.details as { in: string; path: string }[]).map((d) => [d.in, d.path]),
    [
      ['body', 'eventTypes.0'],
      ['body', 'description'],
    ],
  );
  const url = await rejection(service.create({ url: 'mailto:bot@example.com' }));
  assert.deepEqual(
    (url.details as { path: string }[]).map((d) => d.path),
    ['url'],
  );
  const forbidden = await rejection(service.create({ url: 'http://[fe80::1]/' }));
  assert.equal(forbidden.code, 'forbidden_target');
  const window = await rejection(service.replay('ep_test1', { since: 5, until: 4 }));
  assert.equal(window.code, 'validation_error');
  assert.equal((await store.deliveries.listEndpoints({ limit: 10 })).items.length, 0);
});

test('the id comes from newId; the secret is never in get or list', async () => {
  const created = await service.create({ url: PUBLIC_URL });
  assert.match(created.id, /^ep_test\d+$/);
  assert.ok(!JSON.stringify(await service.get(created.id)).includes('whsec_'));
  assert.ok(!JSON.stringify(await service.list({ limit: 10 })).includes('whsec_'));
});

test('a rotation spree keeps at most MAX_LIVE_SECRETS live, the newest', async () => {
  const created = await service.create({ url: PUBLIC_URL });
  const issued = [created.secret];
  for (let i = 0; i < MAX_LIVE_SECRETS + 2; i++) {
    clock.advance(60_000);
    issued.push((await service.rotateSecret(created.id)).secret);
  }
  const stored = await store.deliveries.getEndpoint(created.id);
  assert.deepEqual(
    stored?.secrets.map((s) => s.secret),
    issued.slice(-MAX_LIVE_SECRETS).reverse(),
  );
  assert.equal(stored?.secrets[0]?.expiresAt, null);
  // The oldest kept replaced secret still has its own 24 h.
  const oldest = stored?.secrets[MAX_LIVE_SECRETS - 1];
  assert.equal(oldest?.expiresAt, (oldest?.createdAt ?? 0) + 60_000 + SECRET_OVERLAP_MS);
});

test('deleting twice: the second is not_found', async () => {
  const created = await service.create({ url: PUBLIC_URL });
  await service.delete(created.id);
  assert.equal((await rejection(service.delete(created.id))).code, 'not_found');
});
