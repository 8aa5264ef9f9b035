import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { API_KEY_SCOPES } from '../../src/store/api-key-port.ts';
import { ADMIN_KEY, type KeyServer, startKeyServer } from '../auth/support/key-server.ts';

// GET /v1/keys/self: any valid key learns which key it is — id, name, scopes, rate limit —
// and never its text or hash; a client (the console) shows only what those scopes allow.

const run = promisify(execFile);
const redocly = fileURLToPath(new URL('../../../../node_modules/.bin/redocly', import.meta.url));

let s: KeyServer;
before(async () => {
  s = await startKeyServer({ adminRateLimitPerSecond: 250 });
});
after(() => s.close());

async function self(key: string | undefined, headers: Record<string, string> = {}) {
  return s.server.app.inject({
    method: 'GET',
    url: '/v1/keys/self',
    headers: { ...(key !== undefined && { authorization: `Bearer ${key}` }), ...headers },
  });
}

test('each single-scope key gets its own id, name, scopes and rate limit, and nothing secret', async () => {
  for (const [i, scope] of API_KEY_SCOPES.entries()) {
    const created = await s.createKey({
      name: `only ${scope}`,
      scopes: [scope],
      rateLimitPerSecond: 10 + i,
    });
    const res = await self(created.key);
    assert.equal(res.statusCode, 200, `${scope}: ${res.body}`);
    assert.deepEqual(res.json(), {
      id: created.id,
      name: `only ${scope}`,
      scopes: [scope],
      rateLimitPerSecond: 10 + i,
    });
    assert.ok(!res.body.includes(created.key), 'the key itself is never shown again');
  }
});

test('a key with several scopes and no rate limit sees them all, and null', async () => {
  const created = await s.createKey({
    name: 'console',
    scopes: ['endpoints:write', 'events:read'],
    rateLimitPerSecond: null,
  });
  const res = await self(created.key);
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), {
    id: created.id,
    name: 'console',
    scopes: ['events:read', 'endpoints:write'],
    rateLimitPerSecond: null,
  });
});

test('the bootstrap admin key is `bootstrap`, named so, with the admin rate limit of serve', async () => {
  const res = await self(ADMIN_KEY);
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), {
    id: 'bootstrap',
    name: 'bootstrap admin key',
    scopes: ['admin'],
    rateLimitPerSecond: 250,
  });
});

test('no key, a wrong key, another scheme and a revoked key are refused with 401', async () => {
  const { id, key } = await s.createKey({ name: 'soon revoked', scopes: ['events:read'] });
  assert.equal((await self(key)).statusCode, 200);
  assert.equal((await s.request('DELETE', `/v1/keys/${id}`)).statusCode, 204);
  const cases: [string, Awaited<ReturnType<typeof self>>][] = [
    ['no key', await self(undefined)],
    ['wrong key', await self('chk_nobody-knows-this-key')],
    ['Basic', await self(undefined, { authorization: `Basic ${ADMIN_KEY}` })],
    ['revoked', await self(key)],
  ];
  for (const [what, res] of cases) {
    assert.equal(res.statusCode, 401, `${what}: ${res.body}`);
    assert.equal(res.json<{ error: { code: string } }>().error.code, 'unauthorized', what);
  }
});

test('a stream token does not open it (it reads the event stream only)', async () => {
  const { key } = await s.createKey({ name: 'reader', scopes: ['events:read'] });
  const issued = await s.request('POST', '/v1/events/stream-token', { key });
  assert.equal(issued.statusCode, 201, issued.body);
  const { token } = issued.json<{ token: string }>();
  const res = await s.server.app.inject({
    method: 'GET',
    url: `/v1/keys/self?access_token=${encodeURIComponent(token)}`,
  });
  assert.equal(res.statusCode, 401, res.body);
});

test('the OpenAPI document names it getCallingKey, answering the CallingKey schema, lint-clean', async () => {
  const res = await s.request('GET', '/openapi.json');
  assert.equal(res.statusCode, 200);
  const doc = res.json<{
    paths: Record<string, Record<string, { operationId?: string; responses: unknown }>>;
    components: { schemas: Record<string, unknown> };
  }>();
  const operation = doc.paths['/v1/keys/self']?.get;
  assert.equal(operation?.operationId, 'getCallingKey');
  assert.match(JSON.stringify(operation.responses), /"#\/components\/schemas\/CallingKey"/);
  for (const name of ['CallingKey', 'ApiKey', 'CreatedApiKey', 'ApiKeyPage']) {
    assert.ok(doc.components.schemas[name], `components.schemas.${name}`);
  }
  assert.equal(doc.paths['/v1/keys']?.post?.operationId, 'createApiKey');

  // The whole server's document (the keys routes included) passes Redocly's recommended rules.
  const dir = mkdtempSync(join(tmpdir(), 'callhook-openapi-keys-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, res.body);
    const result = await run(redocly, ['lint', file, '--format=json'], {
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stdout: string }) => error);
    const report = JSON.parse(result.stdout) as {
      totals: { errors: number };
      problems: { ruleId: string; severity: string; message: string }[];
    };
    const errors = report.problems.filter((p) => p.severity === 'error');
    assert.equal(report.totals.errors, 0, JSON.stringify(errors, null, 2));
    for (const rule of ['operation-operationId', 'no-unused-components']) {
      assert.ok(!report.problems.some((p) => p.ruleId === rule), `redocly warns: ${rule}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
