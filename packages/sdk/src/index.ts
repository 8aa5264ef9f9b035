// @callhook/sdk — the event contract of callhook, and the tools a bot needs to receive it.
export * from './events/asyncapi.ts';
export * from './events/dtmf.ts';
export { EVENT_EXAMPLES } from './events/examples.ts';
export * from './events/identifiers.ts';
export * from './events/json-schema.ts';
export * from './events/parse.ts';
export * from './events/schemas.ts';
export {
  DEFAULT_GAP_TIMEOUT_MS,
  DEFAULT_MAX_BUFFERED,
  type OrderedOptions,
} from './receiver/call-sequencer.ts';
export * from './receiver/create-receiver.ts';
export * from './receiver/dedupe-store.ts';
export type { DeliveryMeta } from './receiver/delivery-meta.ts';
export type { AnyEventHandler, EventHandler } from './receiver/event-handlers.ts';
export * from './receiver/node-handler.ts';
export type { RawBody } from './receiver/read-body.ts';
export type { ReceiveResult } from './receiver/receive-result.ts';
export * from './receiver/receiver-errors.ts';
export type { Timers } from './receiver/timers.ts';
export * from './receiver/web-handler.ts';
export * from './signing/delivery-header-names.ts';
export type { HeadersInput } from './signing/header-lookup.ts';
export { generateSecret, SECRET_PREFIX } from './signing/secret.ts';
export * from './signing/webhook.ts';
export * from './signing/webhook-verification-error.ts';
