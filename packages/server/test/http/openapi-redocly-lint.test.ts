import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type EndpointTestApp, startEndpointTestApp } from './support/endpoint-test-app.ts';

// GET /openapi.json as client generators and linters see it: Redocly's recommended rules
// with no error, an operationId on every operation, the resources as named components that
// the routes reference, a license, a server, and `until` documented like `since`.

const run = promisify(execFile);
const redocly = fileURLToPath(new URL('../../../../node_modules/.bin/redocly', import.meta.url));

type Operation = { operationId?: string; requestBody?: unknown; responses?: unknown };
interface OpenApiDocument {
  info: { license?: { name: string; identifier?: string } };
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

describe('the OpenAPI document', () => {
  let t: EndpointTestApp;
  let doc: OpenApiDocument;
  const dir = mkdtempSync(join(tmpdir(), 'callhook-openapi-'));
  before(async () => {
    t = await startEndpointTestApp();
    const res = await t.request('GET', '/openapi.json', undefined, { host: 'api.callhook.test' });
    assert.equal(res.statusCode, 200);
    doc = res.json<OpenApiDocument>();
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes `redocly lint` (recommended rules) with no error', async () => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const result = await run(redocly, ['lint', file, '--format=json'], {
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stdout: string; stderr: string }) => error);
    const report = JSON.parse(result.stdout) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; severity: string; message: string }[];
    };
    const errors = report.problems.filter((p) => p.severity === 'error');
    assert.deepEqual(errors, [], 'redocly lint errors');
    assert.equal(report.totals.errors, 0);
    for (const rule of ['operation-operationId', 'info-license', 'no-unused-components']) {
      assert.ok(!report.problems.some((p) => p.ruleId === rule), `redocly warns: ${rule}`);
    }
  });

  it('gives every operation a unique operationId', () => {
    const ids = Object.values(doc.paths).flatMap((ops) =>
      Object.values(ops).map((op) => op.operationId),
    );
    assert.ok(ids.length >= 26, `only ${ids.length} operations`);
    assert.ok(
      ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]*$/.test(id)),
      String(ids),
    );
    assert.equal(new Set(ids).size, ids.length, 'operationIds repeat');
    assert.equal(doc.paths['/v1/calls']?.post?.operationId, 'createCall');
    assert.equal(doc.paths['/v1/endpoints/{id}/replay']?.post?.operationId, 'replayEndpoint');
  });

  it('names the resources in components, and the routes refer to them', () => {
    for (const name of [
      'Call',
      'Participant',
      'Event',
      'Endpoint',
      'Delivery',
      'Attempt',
      'Error',
    ]) {
      assert.ok(doc.components.schemas[name], `components.schemas.${name} missing`);
    }
    const getCall = JSON.stringify(doc.paths['/v1/calls/{callId}']?.get?.responses);
    assert.match(getCall, /"\$ref":"#\/components\/schemas\/Call"/);
    assert.match(getCall, /"\$ref":"#\/components\/schemas\/Error"/);
    const call = JSON.stringify(doc.components.schemas.Call);
    assert.match(call, /"\$ref":"#\/components\/schemas\/Participant"/);
  });

  it('has a license and names the server it was fetched from', () => {
    assert.deepEqual(doc.info.license, { name: 'MIT', identifier: 'MIT' });
    assert.deepEqual(doc.servers, [{ url: 'http://api.callhook.test' }]);
  });

  it('documents replay `until` as `since`: epoch ms or an ISO-8601 date-time', () => {
    const body = doc.paths['/v1/endpoints/{id}/replay']?.post?.requestBody as {
      content: {
        'application/json': { schema: { properties: Record<string, { anyOf: unknown[] }> } };
      };
    };
    const { since, until } = body.content['application/json'].schema.properties;
    const kinds = (s: { anyOf: unknown[] } | undefined) =>
      JSON.stringify(s?.anyOf.map((b) => (b as { type: string }).type));
    assert.equal(kinds(until), '["integer","string"]');
    assert.equal(kinds(until), kinds(since));
  });
});
