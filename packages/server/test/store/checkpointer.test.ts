import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { CallhookError } from '../../src/errors.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.ts';
import { createCall, sendDigits } from './fixtures/fabricated-calls.ts';
import { tempDir, tempStore } from './fixtures/temp-store.ts';

const T0 = Date.UTC(2026, 0, 1);
const fixture = fileURLToPath(new URL('./fixtures/store-left-open.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** `count` calls of two events each, one command per event; returns the call ids. */
async function writeCalls(store: SqliteStore, count: number, at = T0): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = createCall({ at: at + i });
    await store.runCommand(created.state.callId, () => ({ ...created, result: null }));
    const digits = sendDigits(created.state, '1', at + i);
    await store.runCommand(created.state.callId, () => ({ ...digits, result: null }));
    ids.push(created.state.callId);
  }
  return ids;
}

function autocheckpoint(db: Database.Database): unknown {
  return db.pragma('wal_autocheckpoint', { simple: true });
}

test('a background checkpoint copies every committed frame into the database file', async (t) => {
  const { store, path } = tempStore(t);
  const ids = await writeCalls(store, 50);
  const checkpointer = store.checkpointer;
  assert.ok(checkpointer, 'a file store checkpoints in the background by default');

  const result = await checkpointer.checkpointNow();
  assert.equal(result.busy, false);
  assert.ok(result.log > 0, 'the writes are in the WAL');
  assert.equal(result.checkpointed, result.log);

  // The database file alone, without its WAL, now holds every call.
  const copy = join(tempDir(t), 'copy.db');
  copyFileSync(path, copy);
  const alone = new Database(copy);
  t.after(() => alone.close());
  const count = alone.prepare('SELECT COUNT(*) AS n FROM calls').get() as { n: number };
  assert.equal(count.n, ids.length);
});

test('the main connection keeps only the WAL bound while the worker runs, and checkpoints inline again once it dies', async (t) => {
  const errors: Error[] = [];
  const { store } = tempStore(t, { onCheckpointError: (error) => errors.push(error) });
  const checkpointer = store.checkpointer;
  assert.ok(checkpointer);
  await checkpointer.checkpointNow(); // the worker is up: its ready message came first
  assert.equal(autocheckpoint(store.db), 6144);

  await checkpointer.terminateForTest();
  assert.equal(autocheckpoint(store.db), 8000);
  assert.deepEqual(
    errors.map((e) => (e as { code?: string }).code),
    ['worker_exited'],
  );
  await assert.rejects(checkpointer.checkpointNow(), { code: 'checkpointer_stopped' });

  // The store itself carries on, and closes as usual.
  await writeCalls(store, 3);
  await store.close();
});

test('close() ends the worker and its connection before the main connection closes', async (t) => {
  const { store, path } = tempStore(t);
  await writeCalls(store, 5);
  const checkpointer = store.checkpointer;
  assert.ok(checkpointer);
  await checkpointer.checkpointNow();

  await store.close();
  assert.equal(store.db.open, false);
  await assert.rejects(checkpointer.checkpointNow(), { code: 'checkpointer_stopped' });
  // The main connection was the last one open, so its close checkpointed and removed the WAL.
  assert.equal(existsSync(`${path}-wal`), false);
});

test('a process that never closes its store still exits: the worker does not keep it alive', async (t) => {
  const path = join(tempDir(t), 'left-open.db');
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', fixture, path], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const [code, signal] = await once(child, 'close');
  clearTimeout(kill);
  assert.equal(signal, null, `the child should have exited on its own; output: ${output}`);
  assert.equal(code, 0, output);
  assert.match(output, /checkpointed \d+ of \d+/);
});

test('a :memory: store checkpoints inline, and cannot be asked for a background checkpointer', () => {
  const store = openSqliteStore({ path: ':memory:' });
  try {
    assert.equal(store.checkpointer, undefined);
    assert.equal(autocheckpoint(store.db), 8000);
  } finally {
    store.closeSync();
  }
  assert.throws(
    () => openSqliteStore({ path: ':memory:', checkpoint: 'background' }),
    (error) => error instanceof CallhookError && error.code === 'validation_error',
  );
});

test('a file store asked for inline checkpoints starts no worker', async (t) => {
  const { store } = tempStore(t, { checkpoint: 'inline' });
  assert.equal(store.checkpointer, undefined);
  assert.equal(autocheckpoint(store.db), 8000);
});

test('reopening the file after close shows every committed row', async (t) => {
  const { store, reopen } = tempStore(t);
  const checkpointer = store.checkpointer;
  assert.ok(checkpointer);
  // Checkpoints between the writes, and the last writes only in the WAL when the store closes.
  await writeCalls(store, 20, T0);
  await checkpointer.checkpointNow();
  await writeCalls(store, 20, T0 + 100);
  await checkpointer.checkpointNow();
  await writeCalls(store, 20, T0 + 200);
  const before = await store.readEvents({ limit: 1000 });
  const calls = await store.listCalls({ limit: 100 });
  await store.close();

  const again = reopen();
  assert.equal(before.length, 120);
  assert.deepEqual(await again.readEvents({ limit: 1000 }), before);
  assert.deepEqual(await again.listCalls({ limit: 100 }), calls);
});
