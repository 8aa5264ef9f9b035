import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

// `callhook --help` and the client commands start fast because they load neither the server
// (fastify, the store, better-sqlite3, pg) nor the SDK's schemas (zod): only `serve`, `backup`,
// `simulate`, `listen` and `events tail` load what they need, when they run. Each case runs the
// CLI with a hook that records every module loaded, and looks at the list (no timing here).

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const RECORDER = fileURLToPath(new URL('./support/record-module-loads.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'callhook-cli-loads-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const HEAVY: [string, RegExp][] = [
  ['the server', /\/src\/server\.ts$/],
  ['the HTTP app', /\/src\/http\//],
  ['a store adapter', /\/src\/store\/(sqlite|postgres)\/|\/src\/store\/open-store\.ts$/],
  ['the engine', /\/src\/engine\//],
  ['the SIP front end', /\/src\/sip\//],
  ['a server dependency', /\/node_modules\/(better-sqlite3|fastify|pg|pino|undici)\//],
  ['zod (the SDK schemas)', /\/node_modules\/zod\//],
];

let runs = 0;
async function modulesLoadedBy(args: string[]): Promise<{ code: number | null; urls: string[] }> {
  const log = join(dir, `loads-${++runs}.txt`);
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', '--import', RECORDER, CLI, ...args],
    {
      env: {
        ...process.env,
        CALLHOOK_TEST_LOAD_LOG: log,
        CALLHOOK_SERVER: 'http://127.0.0.1:9', // nothing listens: client commands fail fast
        CALLHOOK_API_KEY: 'some-key',
        CALLHOOK_CONFIG_DIR: dir,
      },
      stdio: 'ignore',
    },
  );
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, urls: readFileSync(log, 'utf8').trim().split('\n') };
}

const LIGHT_COMMANDS = [
  ['--help'],
  ['--version'],
  ['calls', 'list'],
  ['calls', 'show', 'c_1'],
  ['events', 'list', '--type', 'call.created'],
  ['events', 'resend', 'ev_1', '--endpoint', 'ep_1'],
  ['endpoints', 'list'],
  ['endpoints', 'add', 'https://bot.example/hooks', '--types', 'call.ended'],
  ['deliveries', 'list', 'ep_1'],
  ['replay', 'ep_1', '--since', '1h'],
  ['keys', 'list'],
  ['sip', 'rooms', 'list'],
  ['trigger', 'call.created'],
  ['trigger', '--help'],
  ['serve', '--help'],
  ['simulate', '--help'],
  ['listen', '--help'],
];

describe('what a command loads', { concurrency: 2 }, () => {
  for (const args of LIGHT_COMMANDS) {
    test(`callhook ${args.join(' ')} loads neither the server nor zod`, async () => {
      const { urls } = await modulesLoadedBy(args);
      assert.ok(
        urls.some((url) => url.endsWith('/src/cli/main.ts')),
        `the recorder saw no main.ts:\n${urls.join('\n')}`,
      );
      for (const [what, pattern] of HEAVY) {
        const loaded = urls.filter((url) => pattern.test(url));
        assert.deepEqual(loaded, [], `${what} was loaded`);
      }
    });
  }

  // The recorder can see a heavy module: backup opens the store (on a missing directory here).
  test('callhook backup loads the SQLite store (the check above can fail)', async () => {
    const { code, urls } = await modulesLoadedBy([
      'backup',
      '--data',
      join(dir, 'none'),
      '--out',
      join(dir, 'copy.db'),
    ]);
    assert.equal(code, 1);
    assert.ok(urls.some((url) => /\/src\/store\/sqlite\//.test(url)));
    assert.ok(urls.some((url) => /\/node_modules\/better-sqlite3\//.test(url)));
  });
});
