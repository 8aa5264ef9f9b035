// The embedded (SQLite) implementation of the storage port.

export { StoreError, type StoreErrorCode } from '../store-error.ts';
export {
  type Checkpointer,
  CheckpointerError,
  type CheckpointerErrorCode,
  type CheckpointResult,
} from './checkpointer.ts';
export type { MigrationResult } from './migrate.ts';
export { LATEST_SCHEMA_VERSION } from './migrations.ts';
export type { Decide, EventsAppendedHook, IdempotencyKey } from './run-command.ts';
export { MAX_DELIVERY_PAGE, SqliteDeliveryStore } from './sqlite-delivery-store.ts';
export {
  MAX_CALL_PAGE,
  openSqliteStore,
  SqliteStore,
  type SqliteStoreOptions,
} from './sqlite-store.ts';
