import type { EndpointRecord } from '../../packages/server/src/store/delivery-port.ts';

/** The one endpoint of the store micro-benches: every event matches it, nothing listens. */
export function benchEndpoint(now: number): EndpointRecord {
  return {
    id: 'ep_bench',
    url: 'http://127.0.0.1:9/',
    description: null,
    eventTypes: null,
    filter: null,
    enabled: true,
    disabledReason: null,
    secrets: [{ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', createdAt: 0, expiresAt: null }],
    failingSince: null,
    disabledAfterPosition: null,
    createdAt: now,
    updatedAt: now,
  };
}
