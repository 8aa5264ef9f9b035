import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { API_KEY_HASH_FILE } from '../../src/auth/api-key.ts';
import { oneLine, serveUntilExit } from './support/serve-once.ts';

// `callhook serve` refuses a bad bootstrap key as one line on stderr and exit code 1.

const opts = { timeout: 60_000 };
const serve = serveUntilExit;

function dataDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-serve-key-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a garbage key file: refused, named, untouched', opts, async (t) => {
  const dir = dataDir(t);
  const file = join(dir, API_KEY_HASH_FILE);
  writeFileSync(file, 'garbage\n');
  const run = await serve(['--data', dir]);
  assert.equal(run.code, 1);
  assert.match(oneLine(run.stderr), /api-key\.sha256 does not hold a SHA-256 hash.*restore it/);
  assert.equal(readFileSync(file, 'utf8'), 'garbage\n');
});

test('a short CALLHOOK_API_KEY: refused', opts, async (t) => {
  const run = await serve(['--data', dataDir(t)], { CALLHOOK_API_KEY: 'x' });
  assert.equal(run.code, 1);
  assert.match(oneLine(run.stderr), /CALLHOOK_API_KEY is 1 characters long; choose at least 16/);
});

test(
  'a CALLHOOK_API_KEY other than the stored key: refused without --replace-api-key',
  opts,
  async (t) => {
    const dir = dataDir(t);
    const file = join(dir, API_KEY_HASH_FILE);
    writeFileSync(file, `${'0'.repeat(64)}\n`);
    const env = { CALLHOOK_API_KEY: 'a-new-operator-key-0123' };
    const run = await serve(['--data', dir], env);
    assert.equal(run.code, 1);
    assert.match(oneLine(run.stderr), /--replace-api-key/);
    assert.equal(readFileSync(file, 'utf8'), `${'0'.repeat(64)}\n`);
  },
);
