import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { spawnServer } from '../support/spawn-server.ts';

// One process per data directory: a second `callhook serve` on a directory in use exits 1 with
// one clear line naming the other process, and writes nothing; once the first is gone (even by
// kill -9), the directory is free again.

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'callhook-lock-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function serveOnce(): ReturnType<typeof spawnSync> {
  return spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', CLI, 'serve', '--port', '0', '--data', dir],
    {
      env: { ...process.env, CALLHOOK_API_KEY: 'lock-test-key-0123456789' },
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
}

test('a second serve on a data directory in use exits 1 with a message; after kill -9 it starts', async () => {
  const first = await spawnServer(['--data', dir], {
    CALLHOOK_API_KEY: 'lock-test-key-0123456789',
  });
  const second = serveOnce();
  assert.equal(second.status, 1, `stdout: ${second.stdout}\nstderr: ${second.stderr}`);
  assert.match(
    String(second.stderr),
    new RegExp(`another callhook process \\(pid ${first.child.pid}\\) is using the data directory`),
  );
  assert.doesNotMatch(String(second.stderr), /\n\s+at /, 'no stack trace');
  first.child.kill('SIGKILL');
  await first.exited;
  const third = await spawnServer(['--data', dir], {
    CALLHOOK_API_KEY: 'lock-test-key-0123456789',
  });
  assert.match(third.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  third.child.kill('SIGTERM');
  await third.exited;
});
