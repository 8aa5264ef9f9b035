import type { ChangeFeed } from './change-feed.ts';
import type { DeliveryStore } from './delivery-port.ts';
import type { CallStore } from './port.ts';
import { openSqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.ts';

// The one way the server opens its storage: everything above this file sees only the port
// (calls, deliveries, the change feed). A second adapter is a second `kind`.

/** The whole storage port, as one opened database. */
export interface Store {
  readonly calls: CallStore;
  readonly deliveries: DeliveryStore;
  readonly changes: ChangeFeed;
  /** Where the data lives, for the startup banner and logs (a path; later a redacted URL). */
  readonly location: string;
  close(): Promise<void>;
}

export type StoreOptions = { kind: 'sqlite' } & SqliteStoreOptions;

export function openStore(options: StoreOptions): Store {
  const { kind, ...sqlite } = options;
  switch (kind) {
    case 'sqlite': {
      const store = openSqliteStore(sqlite);
      return {
        calls: store,
        deliveries: store.deliveries,
        changes: store.changes,
        location: sqlite.path,
        close: () => store.close(),
      };
    }
  }
}
