// The dispatcher's log lines that an operator must see (the default level is warn): a delivery
// given up, an endpoint disabled, a lease outlived. Each names the delivery, event, call and
// endpoint, so that a log search finds the whole story.
import type { DueDelivery } from '../store/delivery-port.ts';
import type { DeliveryObserver } from './delivery-observer.ts';

/** The part of a pino/fastify logger used here. */
export interface WarnLogger {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

function about(d: DueDelivery) {
  return {
    deliveryId: d.id,
    endpointId: d.endpointId,
    eventId: d.eventId,
    callId: d.callId,
    seq: d.seq,
    eventType: d.eventType,
  };
}

export function deliveryLog(log: () => WarnLogger | undefined): DeliveryObserver {
  return {
    attempted({ delivery, result, decision }) {
      const logger = log();
      if (!logger) return;
      const attempts = decision.attempt.attempt;
      const lastError = decision.attempt.error;
      const disable = decision.endpoint?.disable;
      if (disable) {
        logger.error(
          { ...about(delivery), reason: disable, statusCode: result.statusCode, lastError },
          disable === 'gone'
            ? 'endpoint disabled: it answered 410 Gone; enable it again once the receiver is back'
            : 'endpoint disabled: every attempt failed for 5 days; its pending deliveries wait for it to be enabled again',
        );
      }
      if (decision.next.status === 'failed') {
        logger.warn(
          { ...about(delivery), attempts, statusCode: result.statusCode, lastError },
          disable === 'gone'
            ? 'delivery given up: its endpoint is gone (410)'
            : 'delivery given up: its retries ran out; POST /v1/deliveries/:id/retry sends it again',
        );
      }
    },
    leaseExpired(delivery, attemptMs) {
      log()?.warn(
        { ...about(delivery), attemptMs },
        'delivery lease expired during its attempt: another node may send it again (at least once)',
      );
    },
  };
}
