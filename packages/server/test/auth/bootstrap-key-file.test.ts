import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import {
  API_KEY_HASH_FILE,
  hashApiKey,
  MIN_CHOSEN_KEY_LENGTH,
  resolveApiKey,
} from '../../src/auth/api-key.ts';
import { CallhookError } from '../../src/errors.ts';

// The bootstrap admin key of the data directory: never silently replaced, never too short.

function dataDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-keyfile-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const KEY = 'an-operator-chosen-key-0123';

function refused(code: string, ...words: string[]) {
  return (error: unknown) =>
    error instanceof CallhookError &&
    error.code === code &&
    words.every((w) => error.message.includes(w));
}

test('a first start generates a key of 32 random bytes and stores only its hash, 0600', (t) => {
  const dir = dataDir(t);
  const key = resolveApiKey(dir, undefined);
  assert.equal(key.source, 'generated');
  assert.match(key.generated!, /^chk_[A-Za-z0-9_-]{43}$/);
  const file = join(dir, API_KEY_HASH_FILE);
  assert.equal(readFileSync(file, 'utf8'), `${hashApiKey(key.generated!)}\n`);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(resolveApiKey(dir, undefined), { hash: key.hash, source: 'data-dir' });
});

test('a garbage key file is refused, named, and left as it was', (t) => {
  const dir = dataDir(t);
  const file = join(dir, API_KEY_HASH_FILE);
  for (const garbage of ['', 'not a hash\n', `${'a'.repeat(63)}\n`, `${'A'.repeat(64)}\n`]) {
    writeFileSync(file, garbage);
    assert.throws(() => resolveApiKey(dir, undefined), refused('validation_error', file));
    assert.throws(() => resolveApiKey(dir, KEY), refused('validation_error', file));
    assert.equal(readFileSync(file, 'utf8'), garbage);
  }
});

test('an unreadable key file is refused', (t) => {
  const dir = dataDir(t);
  // A directory where the file should be: unreadable as a file even to root.
  mkdirSync(join(dir, API_KEY_HASH_FILE));
  assert.throws(() => resolveApiKey(dir, undefined), refused('validation_error', 'cannot read'));
});

test(`a chosen key shorter than ${MIN_CHOSEN_KEY_LENGTH} characters is refused`, (t) => {
  const dir = dataDir(t);
  for (const short of ['x', 'a'.repeat(MIN_CHOSEN_KEY_LENGTH - 1)]) {
    assert.throws(() => resolveApiKey(dir, short), refused('validation_error', 'at least'));
  }
  assert.equal(resolveApiKey(dir, 'a'.repeat(MIN_CHOSEN_KEY_LENGTH)).source, 'env');
});

test('CALLHOOK_API_KEY replaces a different stored key only with the explicit flag', (t) => {
  const dir = dataDir(t);
  const file = join(dir, API_KEY_HASH_FILE);
  const first = resolveApiKey(dir, undefined);
  assert.throws(() => resolveApiKey(dir, KEY), refused('conflict', '--replace-api-key'));
  assert.equal(readFileSync(file, 'utf8'), `${first.hash}\n`, 'the stored key is kept');
  assert.deepEqual(resolveApiKey(dir, KEY, { replace: true }), {
    hash: hashApiKey(KEY),
    source: 'env',
  });
  assert.equal(readFileSync(file, 'utf8'), `${hashApiKey(KEY)}\n`);
  // The same key again needs no flag: nothing changes.
  assert.deepEqual(resolveApiKey(dir, KEY), { hash: hashApiKey(KEY), source: 'env' });
});
