import type { TestContext } from 'node:test';
import { openPgStore, type PgStore } from '../../../src/store/postgres/pg-store.ts';
import { freshSchema } from '../../support/postgres.ts';
import { storeContract } from './all-contracts.ts';
import type { StoreUnderTest } from './store-factory.ts';

// The conformance suite against the PostgreSQL adapter: a fresh database per test, on the
// machine's real server (test/support/postgres.ts starts it if it is down): one database for
// the file, a fresh schema per test.

async function postgresStore(t: TestContext): Promise<StoreUnderTest> {
  const place = await freshSchema(t);
  const opened: PgStore[] = [];
  t.after(async () => {
    for (const store of opened) await store.close();
  });
  const underTest = (store: PgStore): StoreUnderTest => ({
    calls: store.calls,
    deliveries: store.deliveries,
    changes: store.changes,
    keys: store.keys,
    sip: store.sip,
    retention: store.retention,
    backlog: store.backlog,
    leasesOutliveTheStore: true,
    close: () => store.close(),
    reopen: async () => {
      await store.close();
      return open();
    },
  });
  const open = async (): Promise<StoreUnderTest> => {
    const store = await openPgStore({ ...place, poolSize: 4, changePollMs: 200 });
    opened.push(store);
    return underTest(store);
  };
  return open();
}

storeContract('postgres', postgresStore);
