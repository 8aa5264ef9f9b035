import type { ApiKeyStore } from './api-key-port.ts';
import type { ChangeFeed } from './change-feed.ts';
import type { DeliveryBacklogStore } from './delivery-backlog-port.ts';
import type { DeliveryStore } from './delivery-port.ts';
import type { CallStore } from './port.ts';
import { openPgStore, type PgStoreOptions, redactedUrl } from './postgres/pg-store.ts';
import type { QuarantineStore } from './quarantine-port.ts';
import type { RetentionStore } from './retention-port.ts';
import type { SipDirectory } from './sip-port.ts';
import { SqliteApiKeyStore } from './sqlite/api-keys.ts';
import { SqliteDeliveryBacklog } from './sqlite/delivery-backlog.ts';
import { SqliteSipDirectory } from './sqlite/sip-directory.ts';
import { openSqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.ts';
import { withFaultTranslation } from './sqlite/write-faults.ts';

// The one way the server opens its storage: everything above this file sees only the port
// (calls, deliveries, the change feed). A second adapter is a second `kind`.

/** The whole storage port, as one opened database. */
export interface Store {
  readonly calls: CallStore;
  readonly deliveries: DeliveryStore;
  readonly changes: ChangeFeed;
  /** Scoped API keys (the bootstrap admin key is not among them: auth/api-key.ts). */
  readonly keys: ApiKeyStore;
  /** What waits to be delivered, for metrics (delivery-backlog-port.ts). */
  readonly backlog: DeliveryBacklogStore;
  /** SIP rooms and users (store/sip-port.ts). */
  readonly sip: SipDirectory;
  /** Rows set aside as unreadable (quarantine-port.ts); an adapter without it leaves it out. */
  readonly quarantine?: QuarantineStore;
  /** Removal of the oldest events, deliveries and idempotency records (retention-port.ts). */
  readonly retention: RetentionStore;
  /**
   * How many endpoints this node claims deliveries of, when several nodes share the store
   * (PostgreSQL: each endpoint has one owner); left out where one process sends them all.
   */
  readonly ownedEndpoints?: () => number;
  /** Statements sent to the database server since the store opened (PostgreSQL only). */
  readonly statements?: () => number;
  /** What an operator should fix about the database, for the startup banner (none: left out). */
  readonly warnings?: readonly string[];
  /** Where the data lives, for the startup banner and logs (a path; later a redacted URL). */
  readonly location: string;
  close(): Promise<void>;
}

export type StoreOptions =
  | ({ kind: 'sqlite' } & SqliteStoreOptions)
  | ({ kind: 'postgres' } & PgStoreOptions);

/** Opens the store `options.kind` names; a PostgreSQL one is connected and migrated. */
export async function openStore(options: StoreOptions): Promise<Store> {
  switch (options.kind) {
    case 'postgres': {
      const { kind: _, ...pgOptions } = options;
      const store = await openPgStore(pgOptions);
      return {
        calls: store.calls,
        deliveries: store.deliveries,
        changes: store.changes,
        keys: store.keys,
        backlog: store.backlog,
        sip: store.sip,
        retention: store.retention,
        ownedEndpoints: () => store.deliveries.ownedEndpoints(),
        statements: () => store.statements(),
        location: redactedUrl(options.url),
        warnings: store.warnings,
        close: () => store.close(),
      };
    }
    case 'sqlite': {
      const { kind: _, ...sqlite } = options;
      const store = openSqliteStore(sqlite);
      return {
        // A full disk or failing device leaves these as StoreUnavailableError (503), not raw.
        calls: withFaultTranslation(store, store.faults),
        deliveries: withFaultTranslation(store.deliveries, store.faults),
        changes: store.changes,
        keys: withFaultTranslation(new SqliteApiKeyStore(store.db), store.faults),
        backlog: new SqliteDeliveryBacklog(store.db, () => store.deliveries.unwrittenBacklog()),
        sip: withFaultTranslation(new SqliteSipDirectory(store.db), store.faults),
        retention: withFaultTranslation(store.retention, store.faults),
        quarantine: store.quarantine,
        location: sqlite.path,
        close: () => store.close(),
      };
    }
  }
}
