import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CheckpointerError, openSqliteStore } from '../../src/store/sqlite/index.ts';
import { StoreUnavailableError } from '../../src/store/store-unavailable.ts';
import { createCall } from '../store/fixtures/fabricated-calls.ts';
import { fillDisk, mountSmallTmpfs } from './small-tmpfs.ts';

// The store on a full tmpfs of its own: commands reject with StoreUnavailableError (never a
// bare SQLITE_FULL), ping() says unavailable, the background checkpointer reports the failure
// once and keeps trying — it used to stop for good — and both work again once space is freed.

const T0 = Date.UTC(2026, 0, 1);

test('disk full: the checkpointer keeps trying and recovers, commands and ping recover, without reopening', async (t) => {
  const mount = mountSmallTmpfs(t, 16);
  const failing: (string | null)[] = [];
  const faults: (string | null)[] = [];
  const store = openSqliteStore({
    path: join(mount, 'callhook.db'),
    onCheckpointError: (error) => assert.fail(`the checkpointer stopped: ${error.message}`),
    onCheckpointFailing: (error) => failing.push(error ? (error as CheckpointerError).code : null),
    onWriteFault: (fault) => faults.push(fault?.reason ?? null),
  });
  t.after(() => store.closeSync());
  let i = 0;
  const write = () => {
    const change = createCall({ at: T0 + i, threadId: `thread-${'x'.repeat(120)}-${i++}` });
    return store.runCommand(change.state.callId, () => ({ ...change, result: 0 }));
  };
  await write();
  await store.checkpointer!.checkpointNow();

  fillDisk(join(mount, 'filler'), 256 * 1024);
  let refused: unknown;
  for (let n = 0; n < 5000 && refused === undefined; n++) {
    await write().catch((error: unknown) => {
      refused = error;
    });
  }
  assert.ok(refused instanceof StoreUnavailableError, `refused with ${String(refused)}`);
  assert.equal(refused.reason, 'disk_full');
  assert.deepEqual(faults, ['disk_full']);
  await assert.rejects(store.ping(), StoreUnavailableError);
  await assert.rejects(store.checkpointer!.checkpointNow(), (error: unknown) => {
    return error instanceof CheckpointerError && error.code === 'checkpoint_failed';
  });
  assert.deepEqual(failing, ['checkpoint_failed'], 'told once');

  rmSync(join(mount, 'filler'));
  await store.ping(); // recovers: checkpoint, WAL cut, a tiny write
  assert.deepEqual(faults, ['disk_full', null]);
  const result = await store.checkpointer!.checkpointNow();
  assert.equal(result.busy, false);
  assert.deepEqual(failing, ['checkpoint_failed', null], 'the same checkpointer works again');
  for (let n = 0; n < 200; n++) await write();
});
