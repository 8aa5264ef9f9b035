import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { type SpawnedServer, spawnServer } from '../support/spawn-server.ts';

// An integrator's client, made from nothing but GET /openapi.json: openapi-typescript turns
// the document into types, openapi-fetch makes typed requests, and the client drives a whole
// call on a real `callhook serve`. The client must also typecheck against the generated types.

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
const API_KEY = 'chk_openapi_client_test';

describe('a client generated from the OpenAPI document', () => {
  let server: SpawnedServer;
  let dataDir: string;
  // Inside the repository, so the client resolves openapi-fetch from its node_modules.
  mkdirSync(join(repoRoot, 'node_modules/.cache'), { recursive: true });
  const dir = mkdtempSync(join(repoRoot, 'node_modules/.cache/callhook-openapi-client-'));

  before(async () => {
    dataDir = join(dir, 'data');
    server = await spawnServer(['--data', dataDir], { CALLHOOK_API_KEY: API_KEY });
    const res = await fetch(`${server.url}/openapi.json`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    const document = await res.json();
    writeFileSync(join(dir, 'schema.ts'), astToString(await openapiTS(document)));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    copyFileSync(
      fileURLToPath(new URL('fixtures/openapi-client/drive-call.ts', import.meta.url)),
      join(dir, 'drive-call.ts'),
    );
  });
  after(async () => {
    server?.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('typechecks against the generated types', async () => {
    await run(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--allowImportingTsExtensions',
        '--types',
        'node',
        'drive-call.ts',
      ],
      { cwd: dir },
    ).catch((error: { stdout?: string }) => {
      throw new Error(`the generated client does not typecheck:\n${error.stdout ?? error}`);
    });
  });

  it('drives a whole call', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', join(dir, 'drive-call.ts')],
      { cwd: dir, env: { ...process.env, CALLHOOK_URL: server.url, CALLHOOK_API_KEY: API_KEY } },
    );
    assert.deepEqual(JSON.parse(stdout), {
      status: 'ended',
      endReason: 'ended',
      participants: ['alice:removed', 'bob:removed'],
      refused: { status: 409, code: 'invalid_transition' },
      events: [
        '1 call.created',
        '2 call.user.invited',
        '3 call.user.invited',
        '4 call.user.paused',
        '5 call.user.unpaused',
        '6 call.dtmf',
        '7 call.dtmf',
        '8 call.user.removed',
        '9 call.user.removed',
        '10 call.ended',
      ],
    });
  });
});
