import {
  type CallEvent,
  type CallEventOf,
  type CallEventType,
  isCallEventType,
} from '../events/schemas.ts';
import type { DeliveryMeta } from './delivery-meta.ts';
import { HandlerError } from './receiver-errors.ts';

// Handlers may return anything (a promise is awaited); `unknown` rather than `void` so that
// concise arrows such as `(e) => db.save(e)` typecheck.
export type EventHandler<T extends CallEventType> = (
  event: CallEventOf<T>,
  meta: DeliveryMeta<T>,
) => unknown;

export type AnyEventHandler = (event: CallEvent, meta: DeliveryMeta) => unknown;

/** Handlers by event type, plus the ones for every event. */
export class EventHandlers {
  readonly #byType = new Map<CallEventType, AnyEventHandler[]>();
  readonly #any: AnyEventHandler[] = [];

  on(types: readonly CallEventType[], handler: AnyEventHandler): void {
    if (typeof handler !== 'function') throw new TypeError('handler must be a function');
    for (const type of types) {
      if (!isCallEventType(type)) {
        throw new TypeError(`unknown event type ${JSON.stringify(type)}`);
      }
      const list = this.#byType.get(type) ?? [];
      list.push(handler);
      this.#byType.set(type, list);
    }
  }

  onAny(handler: AnyEventHandler): void {
    if (typeof handler !== 'function') throw new TypeError('handler must be a function');
    this.#any.push(handler);
  }

  /**
   * Runs every handler of the event at once and waits for all (like octokit's receiver), so
   * one failure does not stop the others; throws a `HandlerError` if any failed.
   */
  async dispatch(event: CallEvent, meta: DeliveryMeta): Promise<void> {
    const handlers = [...(this.#byType.get(event.eventType) ?? []), ...this.#any];
    const outcomes = await Promise.allSettled(
      handlers.map((handler) => new Promise((resolve) => resolve(handler(event, meta)))),
    );
    const errors = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    if (errors.length > 0) throw new HandlerError(event, meta, errors);
  }
}
