import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { SqliteApiKeyStore } from '../../../src/store/sqlite/api-keys.ts';
import { SqliteDeliveryBacklog } from '../../../src/store/sqlite/delivery-backlog.ts';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite/index.ts';
import { SqliteSipDirectory } from '../../../src/store/sqlite/sip-directory.ts';
import { storeContract } from './all-contracts.ts';
import type { StoreUnderTest } from './store-factory.ts';

// The conformance suite against the embedded adapter: one SQLite file per test, in a temp dir.

function sqliteStore(t: TestContext): Promise<StoreUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-contract-'));
  const path = join(dir, 'callhook.db');
  const opened: SqliteStore[] = [];
  t.after(async () => {
    // close(), not closeSync(): the checkpoint thread's connection is closed first, so it
    // cannot put a -wal or -shm file back while the directory is being removed.
    for (const store of opened) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const underTest = (store: SqliteStore): StoreUnderTest => ({
    calls: store,
    deliveries: store.deliveries,
    changes: store.changes,
    retention: store.retention,
    keys: new SqliteApiKeyStore(store.db),
    backlog: new SqliteDeliveryBacklog(store.db, () => store.deliveries.unwrittenBacklog()),
    sip: new SqliteSipDirectory(store.db),
    leasesOutliveTheStore: false,
    close: () => store.close(),
    reopen: async () => {
      await store.close();
      return open();
    },
  });
  const open = (): StoreUnderTest => {
    const store = openSqliteStore({ path });
    opened.push(store);
    return underTest(store);
  };
  return Promise.resolve(open());
}

storeContract('sqlite', sqliteStore);
