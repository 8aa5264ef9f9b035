import type { z } from 'zod';
import type { callViewSchema } from '../http/schemas/calls.ts';
import type {
  deliveryPageSchema,
  deliveryViewSchema,
  replayResultSchema,
} from '../http/schemas/deliveries.ts';
import type {
  endpointEnabledSchema,
  endpointPageSchema,
  endpointViewSchema,
  endpointWithSecretSchema,
} from '../http/schemas/endpoints.ts';
import type { eventPageSchema, storedEventSchema } from '../http/schemas/events.ts';

// The shapes the CLI reads, taken from the server's own route schemas (one source of truth).

export type CallView = z.infer<typeof callViewSchema>;
export type StoredEventView = z.infer<typeof storedEventSchema>;
export type EventPage = z.infer<typeof eventPageSchema>;
export type EndpointView = z.infer<typeof endpointViewSchema>;
export type EndpointWithSecret = z.infer<typeof endpointWithSecretSchema>;
export type EndpointPage = z.infer<typeof endpointPageSchema>;
export type EndpointEnabled = z.infer<typeof endpointEnabledSchema>;
export type DeliveryView = z.infer<typeof deliveryViewSchema>;
export type DeliveryPage = z.infer<typeof deliveryPageSchema>;
export type ReplayResult = z.infer<typeof replayResultSchema>;
