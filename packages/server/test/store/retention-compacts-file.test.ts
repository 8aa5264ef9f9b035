import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCall, sendDigits } from './fixtures/fabricated-calls.ts';
import { tempStore } from './fixtures/temp-store.ts';

// SQLite's side of retention: a new database frees what retention deletes back to the file
// system (auto_vacuum = INCREMENTAL, then incremental_vacuum in bounded steps).

const T0 = Date.UTC(2026, 0, 1);

test('a new database is incremental-vacuum; compact() gives the pages retention freed back, a bounded number a call', async (t) => {
  const { store } = tempStore(t);
  assert.equal(store.db.pragma('auto_vacuum', { simple: true }), 2, 'INCREMENTAL');
  for (let i = 0; i < 300; i++) {
    const created = createCall({ at: T0 + i, threadId: `thread-${'x'.repeat(100)}-${i}` });
    const digits = sendDigits(created.state, '1234567890', T0 + i);
    await store.runCommand(created.state.callId, () => ({ ...created, result: 0 }));
    await store.runCommand(created.state.callId, () => ({ ...digits, result: 0 }));
  }
  const pages = () => store.db.pragma('page_count', { simple: true }) as number;
  const grown = pages();
  for (;;) {
    const removed = await store.retention.removeBefore(T0 + 10_000, 500);
    if (!removed.more) break;
  }
  const free = store.db.pragma('freelist_count', { simple: true }) as number;
  assert.ok(free > 10, `retention freed pages: ${free}`);
  assert.equal(await store.retention.compact(5), 5, 'at most what it is asked for');
  let given = 5;
  for (
    let n = await store.retention.compact(1000);
    n > 0;
    n = await store.retention.compact(1000)
  ) {
    given += n;
  }
  assert.equal(given, free);
  assert.equal(store.db.pragma('freelist_count', { simple: true }), 0);
  assert.equal(pages(), grown - free, 'the file is that much smaller');
});
