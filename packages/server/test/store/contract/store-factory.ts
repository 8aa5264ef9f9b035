import type { TestContext } from 'node:test';
import type { ApiKeyStore } from '../../../src/store/api-key-port.ts';
import type { ChangeFeed } from '../../../src/store/change-feed.ts';
import type { DeliveryBacklogStore } from '../../../src/store/delivery-backlog-port.ts';
import type { DeliveryStore } from '../../../src/store/delivery-port.ts';
import type { CallStore } from '../../../src/store/port.ts';
import type { RetentionStore } from '../../../src/store/retention-port.ts';
import type { SipDirectory } from '../../../src/store/sip-port.ts';

// What the conformance suite needs of an adapter: the two halves of the storage port on one
// database, and a way to close and open that database again. Nothing else — the contracts
// assert through the port alone, so they run unchanged against every adapter.

export interface StoreUnderTest {
  calls: CallStore;
  deliveries: DeliveryStore;
  /** Told after every commit that changed something (events, endpoints, deliveries). */
  changes: ChangeFeed;
  /** Scoped API keys. */
  keys: ApiKeyStore;
  /** What waits to be delivered (metrics). */
  backlog: DeliveryBacklogStore;
  /** SIP rooms. */
  sip: SipDirectory;
  /** Removal of the oldest events, deliveries and idempotency records. */
  retention: RetentionStore;
  /**
   * Whether every lease outlives the store (several nodes share the database), or the leases
   * of deliveries not written yet end with the process that holds the database alone
   * (delivery-port.ts, releaseLeases).
   */
  leasesOutliveTheStore: boolean;
  /** Closes this store and opens the same database again: a restart of the service. */
  reopen(): Promise<StoreUnderTest>;
  close(): Promise<void>;
}

/**
 * A fresh, empty database per call. The factory removes it after the test (`t.after`),
 * closing whatever of it is still open, so a contract may close a store itself or not.
 */
export type StoreFactory = (t: TestContext) => Promise<StoreUnderTest>;
