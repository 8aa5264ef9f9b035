import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { oneLine, serveUntilExit } from '../auth/support/serve-once.ts';

// Startup problems are one clear line saying what to do, never a stack trace: exit code 1
// for what the machine refuses, 2 for a bad option (the CLI's usage-error convention).

const opts = { timeout: 60_000 };

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-startup-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a port in use', opts, async (t) => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  t.after(() => holder.close());
  const port = String((holder.address() as { port: number }).port);
  const run = await serveUntilExit(['--data', tempDir(t), '--port', port]);
  assert.equal(run.code, 1);
  assert.match(
    oneLine(run.stderr),
    new RegExp(`127\\.0\\.0\\.1:${port} is already in use.*--port`),
  );
});

test('--data naming a file', opts, async (t) => {
  const file = join(tempDir(t), 'not-a-dir');
  writeFileSync(file, 'x');
  const run = await serveUntilExit(['--data', file]);
  assert.equal(run.code, 1);
  assert.match(oneLine(run.stderr), /--data .*not-a-dir is not a directory/);
});

test('an unknown --log-level', opts, async (t) => {
  const run = await serveUntilExit(['--data', tempDir(t), '--log-level', 'loud']);
  assert.equal(run.code, 2);
  assert.match(
    oneLine(run.stderr),
    /--log-level must be one of fatal\|error\|warn\|info\|debug\|trace\|silent, not 'loud'/,
  );
});
