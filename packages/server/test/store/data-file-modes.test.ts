import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_ENGINE_CONFIG } from '../../src/engine/call-state.ts';
import { startServer } from '../../src/server.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { tempDir } from './fixtures/temp-store.ts';

// The database holds the endpoints' whsec_ secrets in clear: the file and its -wal and -shm
// are 0600 and the data directory 0700, whatever the umask, for a new database and for one
// made before callhook set modes.

const mode = (path: string) => statSync(path).mode & 0o777;

test('a new database, its -wal and -shm are 0600 and its directory 0700, even under umask 000', async (t) => {
  const previous = process.umask(0o000);
  t.after(() => process.umask(previous));
  const dir = join(tempDir(t), 'data');
  const path = join(dir, 'callhook.db');
  const store = openSqliteStore({ path });
  try {
    await store.runCommand('c1', () => ({ events: [], result: 0 })); // a write: -wal exists
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      assert.ok(existsSync(file), file);
      assert.equal(mode(file).toString(8), '600', file);
    }
    assert.equal(mode(dir).toString(8), '700');
  } finally {
    await store.close();
  }
});

test('an existing 0644 database in a 0755 directory is tightened at open', async (t) => {
  const dir = join(tempDir(t), 'old');
  mkdirSync(dir);
  chmodSync(dir, 0o755);
  const path = join(dir, 'callhook.db');
  openSqliteStore({ path, checkpoint: 'inline' }).closeSync();
  chmodSync(path, 0o644);
  writeFileSync(`${path}-shm`, '');
  chmodSync(`${path}-shm`, 0o644);
  const store = openSqliteStore({ path });
  try {
    assert.equal(mode(path).toString(8), '600');
    assert.equal(mode(`${path}-shm`).toString(8), '600');
    assert.equal(mode(dir).toString(8), '700');
  } finally {
    await store.close();
  }
});

test('a running server: data directory 0700, every file in it 0600', async (t) => {
  const previous = process.umask(0o022);
  t.after(() => process.umask(previous));
  const dataDir = join(tempDir(t), 'served');
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    durability: 'default',
    engine: DEFAULT_ENGINE_CONFIG,
    apiKeyHash: '0'.repeat(64),
    console: false,
    logger: false,
  });
  try {
    assert.equal(mode(dataDir).toString(8), '700');
    for (const name of ['callhook.db', 'callhook.db-wal', 'callhook.db-shm', 'node-id']) {
      const file = join(dataDir, name);
      if (existsSync(file)) assert.equal(mode(file).toString(8), '600', name);
    }
    assert.equal(mode(join(dataDir, 'callhook.db')).toString(8), '600');
  } finally {
    await server.close();
  }
});
