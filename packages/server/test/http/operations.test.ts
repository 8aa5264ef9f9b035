import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { ALICE, createCall, startTestApp } from './support/test-app.ts';

// /healthz, /readyz, /metrics, /openapi.json (docs/contract.md §3 "Operations").

test('/healthz is always ok; /readyz is 503 unavailable once the database is gone', async (ctx) => {
  const t = await startTestApp();
  ctx.after(() => t.close());
  assert.deepEqual((await t.request('GET', '/healthz')).json(), { status: 'ok' });
  assert.equal((await t.request('GET', '/readyz')).statusCode, 200);

  await t.store.close();
  const health = await t.request('GET', '/healthz');
  assert.equal(health.statusCode, 200);
  const ready = await t.request('GET', '/readyz');
  assert.equal(ready.statusCode, 503);
  assert.equal(ready.json<{ error: { code: string } }>().error.code, 'unavailable');
});

test('/metrics counts commands by outcome, events by type, and active calls', async (ctx) => {
  const t = await startTestApp();
  ctx.after(() => t.close());
  const first = await createCall(t);
  await createCall(t);
  await t.request('POST', `/v1/calls/${first}/participants`, { userId: ALICE });
  await t.request('POST', `/v1/calls/${first}/participants/${ALICE}/pause`); // 409
  await t.request('POST', `/v1/calls/${first}/dtmf`, { digits: '123' });
  await t.request('POST', `/v1/calls/${first}/end`);

  const res = await t.request('GET', '/metrics');
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain/);
  const lines = res.body.split('\n');
  for (const line of [
    'callhook_commands_total{command="create",outcome="ok"} 2',
    'callhook_commands_total{command="invite",outcome="ok"} 1',
    'callhook_commands_total{command="pause",outcome="invalid_transition"} 1',
    'callhook_commands_total{command="dtmf",outcome="ok"} 1',
    'callhook_commands_total{command="end",outcome="ok"} 1',
    'callhook_command_duration_seconds_count{command="create"} 2',
    'callhook_events_total{type="call.created"} 2',
    'callhook_events_total{type="call.dtmf"} 3',
    'callhook_events_total{type="call.user.removed"} 1',
    'callhook_events_total{type="call.ended"} 1',
    'callhook_active_calls 1',
  ]) {
    assert.ok(lines.includes(line), `missing: ${line}`);
  }
  assert.ok(lines.some((l) => l.startsWith('process_cpu_user_seconds_total ')));
});

test('each app has its own registry by default; a shared one can be reused after close', async () => {
  const a = await startTestApp();
  const b = await startTestApp();
  await createCall(a);
  const count = (body: string) =>
    /callhook_events_total\{type="call.created"\} (\d+)/.exec(body)?.[1];
  assert.equal(count((await a.request('GET', '/metrics')).body), '1');
  assert.equal(count((await b.request('GET', '/metrics')).body), undefined);
  await a.close();
  await b.close();

  const registry = new Registry();
  const c = await startTestApp({ metricsRegistry: registry });
  await c.close();
  const d = await startTestApp({ metricsRegistry: registry });
  await createCall(d);
  assert.equal(count(await registry.metrics()), '1');
  await d.close();
});

test('/openapi.json documents every route of the contract, with bearer security', async (ctx) => {
  const t = await startTestApp();
  ctx.after(() => t.close());
  const res = await t.request('GET', '/openapi.json');
  assert.equal(res.statusCode, 200);
  const doc = res.json<{
    openapi: string;
    info: { title: string; version: string };
    components: { securitySchemes: Record<string, { type: string; scheme: string }> };
    security: Record<string, string[]>[];
    paths: Record<string, Record<string, { security?: unknown[]; responses: object }>>;
  }>();
  assert.match(doc.openapi, /^3\./);
  assert.equal(doc.info.title, 'callhook');
  assert.equal(doc.info.version, '0.0.0-test');
  assert.deepEqual(doc.components.securitySchemes.bearer, { type: 'http', scheme: 'bearer' });
  assert.deepEqual(doc.security, [{ bearer: [] }]);

  const documented = Object.entries(doc.paths)
    .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
  const contract = [
    'POST /v1/calls',
    'GET /v1/calls',
    'GET /v1/calls/{callId}',
    'POST /v1/calls/{callId}/participants',
    'POST /v1/calls/{callId}/participants/{userId}/join',
    'POST /v1/calls/{callId}/participants/{userId}/pause',
    'POST /v1/calls/{callId}/participants/{userId}/unpause',
    'DELETE /v1/calls/{callId}/participants/{userId}',
    'POST /v1/calls/{callId}/dtmf',
    'POST /v1/calls/{callId}/end',
    'GET /v1/events',
    'GET /v1/events/stream',
    'POST /v1/events/stream-token',
    'GET /healthz',
    'GET /readyz',
    'GET /metrics',
    'GET /openapi.json',
  ].sort();
  assert.deepEqual(documented, contract);
  // Health is documented as open; everything else inherits the bearer requirement.
  assert.deepEqual(doc.paths['/healthz']!.get!.security, []);
  assert.deepEqual(doc.paths['/readyz']!.get!.security, []);
  assert.equal(doc.paths['/v1/calls']!.post!.security, undefined);
  // Request bodies come from the SDK's id schemas.
  const create = doc.paths['/v1/calls']!.post as unknown as {
    requestBody: { content: { 'application/json': { schema: { required: string[] } } } };
  };
  assert.deepEqual(create.requestBody.content['application/json'].schema.required, [
    'threadId',
    'streamId',
  ]);
});
