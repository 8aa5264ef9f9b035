import { CallhookError } from '../errors.ts';
import { type RetentionHorizon, retentionExpired } from './retention-port.ts';

// The rules of DeliveryStore.resendEvent that every adapter applies the same way: what an
// unknown event id means, and the answer when the subscription does not select the event.

const UUID_V7 = /^([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The millisecond time of a UUIDv7 (the service's event ids, uuid-v7.ts); undefined for others. */
export function uuidV7Time(id: string): number | undefined {
  const m = UUID_V7.exec(id);
  return m ? Number.parseInt(`${m[1]}${m[2]}`, 16) : undefined;
}

/**
 * An event id not in the log: `retention_expired` when it was made before what retention
 * removed (an event of that time is gone for sure), else `not_found`.
 */
export function missingEventError(eventId: string, horizon: RetentionHorizon): CallhookError {
  const madeAt = uuidV7Time(eventId);
  if (madeAt !== undefined && madeAt < horizon.removedBefore) {
    return retentionExpired(`event ${eventId}`, horizon);
  }
  return new CallhookError('not_found', `event ${eventId} does not exist`, { eventId });
}

/** The endpoint's subscription does not select the event: nothing is sent. */
export function notSubscribedError(endpointId: string, eventId: string, type: string) {
  return new CallhookError(
    'conflict',
    `endpoint ${endpointId} does not subscribe to event ${eventId} (${type}, or its stream or thread): ` +
      'change its eventTypes or filter first (PATCH /v1/endpoints/:id)',
    { endpointId, eventId },
  );
}

export function unknownEndpointError(endpointId: string): CallhookError {
  return new CallhookError('not_found', `endpoint ${endpointId} does not exist`, { endpointId });
}
