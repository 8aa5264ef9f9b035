import { describe } from 'node:test';
import { apiKeysContract } from './api-keys.contract.ts';
import { callListingContract } from './call-listing.contract.ts';
import { changeFeedContract } from './change-feed.contract.ts';
import { commandsContract } from './commands.contract.ts';
import { deadlinesContract } from './deadlines.contract.ts';
import { deliveryBacklogContract } from './delivery-backlog.contract.ts';
import { endpointShareContract } from './endpoint-share.contract.ts';
import { endpointsContract } from './endpoints.contract.ts';
import { eventLogContract } from './event-log.contract.ts';
import { lanesContract } from './lanes.contract.ts';
import { lanesPropertyContract } from './lanes-property.contract.ts';
import { lateOutcomesContract } from './late-outcomes.contract.ts';
import { leasesContract } from './leases.contract.ts';
import { missedEventsContract } from './missed-events.contract.ts';
import { outboxContract } from './outbox.contract.ts';
import { outcomesContract } from './outcomes.contract.ts';
import { resendContract } from './resend.contract.ts';
import { restartContract } from './restart.contract.ts';
import { retentionContract } from './retention.contract.ts';
import { retryReplayContract } from './retry-replay.contract.ts';
import { sipDirectoryContract } from './sip-directory.contract.ts';
import type { StoreFactory } from './store-factory.ts';

// The storage port's conformance suite: every adapter's test file calls this with its factory.

const CONTRACTS = {
  commands: commandsContract,
  'call listing': callListingContract,
  deadlines: deadlinesContract,
  'event log': eventLogContract,
  outbox: outboxContract,
  lanes: lanesContract,
  'lanes, any interleaving': lanesPropertyContract,
  outcomes: outcomesContract,
  leases: leasesContract,
  'late outcomes': lateOutcomesContract,
  'per-endpoint share': endpointShareContract,
  'retry and replay': retryReplayContract,
  'resend one event': resendContract,
  endpoints: endpointsContract,
  'missed events': missedEventsContract,
  restart: restartContract,
  retention: retentionContract,
  'change feed': changeFeedContract,
  'api keys': apiKeysContract,
  'delivery backlog': deliveryBacklogContract,
  'sip directory': sipDirectoryContract,
};

export function storeContract(adapter: string, open: StoreFactory): void {
  describe(`storage port: ${adapter}`, () => {
    for (const [name, contract] of Object.entries(CONTRACTS)) describe(name, () => contract(open));
  });
}
