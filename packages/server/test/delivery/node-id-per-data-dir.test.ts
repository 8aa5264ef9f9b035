import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CallhookError } from '../../src/errors.ts';
import { NODE_ID_FILE, readOrCreateNodeId } from '../../src/server.ts';

// The dispatcher's lease owner: stable across restarts of one data directory (a restarted
// node frees its own in-flight leases at once), different between data directories (nodes).

function dataDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-node-id-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('made at first start as node_<uuid>, and the same at every start after', (t) => {
  const dir = dataDir(t);
  const id = readOrCreateNodeId(dir);
  assert.match(id, /^node_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(readFileSync(join(dir, NODE_ID_FILE), 'utf8').trim(), id);
  assert.equal(readOrCreateNodeId(dir), id);
  assert.equal(readOrCreateNodeId(dir), id);
});

test('two data directories, two nodes', (t) => {
  assert.notEqual(readOrCreateNodeId(dataDir(t)), readOrCreateNodeId(dataDir(t)));
});

test('a node-id file that holds no node id is refused, not silently replaced', (t) => {
  const dir = dataDir(t);
  writeFileSync(join(dir, NODE_ID_FILE), 'not an id\n');
  assert.throws(
    () => readOrCreateNodeId(dir),
    (error: unknown) => error instanceof CallhookError && /delete it/.test(error.message),
  );
});
