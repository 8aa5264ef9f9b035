// What the dispatcher tells about its work, for logs and metrics: a narrow interface, so that
// the dispatcher knows nothing of prom-client or of log formats (delivery-log.ts and
// http/delivery-metrics.ts implement it). Observers are told synchronously and must not throw.
import type { DueDelivery } from '../store/delivery-port.ts';
import type { AttemptDecision } from './attempt-decision.ts';
import type { AttemptResult } from './webhook-sender.ts';

export interface AttemptReport {
  delivery: DueDelivery;
  result: AttemptResult;
  /** What the attempt decided (written to the store in the dispatcher's next turn). */
  decision: AttemptDecision;
  /** Clock ms when the attempt started: `startedAt - delivery.nextAttemptAt` is its lag. */
  startedAt: number;
}

export interface DeliveryObserver {
  /** After each attempt, with what it decided of the delivery and of its endpoint. */
  attempted(report: AttemptReport): void;
  /** An attempt outlived its delivery's lease: another node may have sent it again meanwhile. */
  leaseExpired(delivery: DueDelivery, attemptMs: number): void;
}

export const NO_OBSERVER: DeliveryObserver = {
  attempted() {},
  leaseExpired() {},
};

/** Tells each of `observers`; one that throws does not keep the others from hearing. */
export function observeAll(...observers: DeliveryObserver[]): DeliveryObserver {
  const each = (tell: (o: DeliveryObserver) => void) => {
    for (const observer of observers) {
      try {
        tell(observer);
      } catch {
        // Logs and metrics must never fail a delivery.
      }
    }
  };
  return {
    attempted: (report) => each((o) => o.attempted(report)),
    leaseExpired: (delivery, ms) => each((o) => o.leaseExpired(delivery, ms)),
  };
}
