import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  type CallhookService,
  freePort,
  runChild,
  startCallhook,
} from './support/callhook-process.ts';

// What a bot author does: `npm pack` stands in for the registry, the tarball goes into a
// fresh project outside the repository, a bot written against it compiles under node16,
// nodenext, bundler and node10 (CommonJS) resolution, and the node16 build — plain node, no
// tsx — receives real signed deliveries from a real callhook service.

const run = promisify(execFile);
const sdkDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
const botSource = fileURLToPath(new URL('fixtures/packed-bot/bot.ts', import.meta.url));

const work = mkdtempSync(join(tmpdir(), 'callhook-sdk-pack-'));
const project = join(work, 'bot');
let service: CallhookService | undefined;

async function compile(
  moduleKind: string,
  resolution: string,
  outDir: string,
  extra: string[] = [],
) {
  await run(
    process.execPath,
    [
      tsc,
      '--module',
      moduleKind,
      '--moduleResolution',
      resolution,
      '--target',
      'es2022',
      '--strict',
      '--types',
      'node',
      '--outDir',
      outDir,
      ...extra,
      'bot.ts',
    ],
    { cwd: project },
  ).catch((error: { stdout?: string }) => {
    throw new Error(`tsc (${moduleKind}/${resolution}) failed:\n${error.stdout ?? error}`);
  });
}

describe('the packed SDK in a fresh project', () => {
  before(async () => {
    // The tarball is what the registry would serve: built dist, README, LICENSE.
    await run(process.execPath, [tsc, '-b', sdkDir], { cwd: repoRoot });
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: sdkDir,
    });
    const { filename } = (JSON.parse(stdout) as { filename: string }[])[0]!;
    const tarball = join(work, filename);
    rmSync(project, { recursive: true, force: true });
    mkdirSync(project, { recursive: true });
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'packed-bot', private: true, type: 'module' }),
    );
    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, '@types/node@^20'],
      { cwd: project },
    );
    copyFileSync(botSource, join(project, 'bot.ts'));
  });

  after(async () => {
    await service?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('ships dist, README and LICENSE, and no tests', async () => {
    const files = readdirSync(join(project, 'node_modules/@callhook/sdk'));
    for (const name of ['README.md', 'LICENSE', 'package.json', 'dist']) {
      assert.ok(files.includes(name), `${name} missing from the package: ${files.join(', ')}`);
    }
    assert.ok(!files.includes('test'), 'tests must not be published');
  });

  it('compiles under bundler, nodenext and node10 (CommonJS) resolution', async () => {
    // skipLibCheck everywhere: checking zod's declarations takes most of a compile's time.
    // The bot's @ts-expect-error fails the build if the SDK's types did not resolve (any).
    await Promise.all([
      compile('esnext', 'bundler', 'out-bundler', ['--skipLibCheck']),
      compile('nodenext', 'nodenext', 'out-nodenext', ['--skipLibCheck']),
      // node10 reads `types`/`main`; the CommonJS output requires the ESM build (Node ≥ 20.19).
      compile('commonjs', 'node10', 'out-node10', ['--skipLibCheck', '--esModuleInterop']),
    ]);
  });

  it('compiles under node16 and the plain-node build receives real deliveries', async () => {
    const started = startCallhook(join(work, 'data'), 'chk_pack_test_key');
    started.catch(() => {}); // awaited below; only not reported twice meanwhile
    await compile('node16', 'node16', 'out-node16', ['--skipLibCheck']);
    service = await started;
    const port = await freePort();
    const created = await service.api('POST', '/v1/endpoints', {
      url: `http://127.0.0.1:${port}/hooks`,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const bot = runChild(process.execPath, [join(project, 'out-node16/bot.js')], {
      CALLHOOK_SECRET: String(created.body.secret),
      PORT: String(port),
    });
    try {
      await bot.waitFor(/listening on \d+/);
      const call = await service.api('POST', '/v1/calls', { threadId: 't1', streamId: 's1' });
      assert.equal(call.status, 201);
      const callId = String(call.body.callId);
      await service.api('POST', `/v1/calls/${callId}/participants`, { userId: 'alice' });
      await service.api('POST', `/v1/calls/${callId}/end`);
      await bot.waitFor(new RegExp(`ended ${callId} after \\d+ ms`));
      await bot.waitFor(/event 4 call\.ended/);
      assert.deepEqual(bot.output().match(/^event .*$/gm), [
        'event 1 call.created',
        'event 2 call.user.invited',
        'event 3 call.user.removed',
        'event 4 call.ended',
      ]);
      assert.doesNotMatch(bot.output(), /refused/);
    } finally {
      await bot.stop();
    }
  });
});
