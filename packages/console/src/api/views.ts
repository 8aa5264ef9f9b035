import type { CallEventType } from '@callhook/sdk';
import type { z } from 'zod';
// Types only (erased at build): the API's own response schemas are the one source of truth for
// what the console reads, so a change there is a compile error here.
import type { callPageSchema, callViewSchema } from '../../../server/src/http/schemas/calls.ts';
import type {
  attemptViewSchema,
  deliveryPageSchema,
  deliveryViewSchema,
  replayResultSchema,
} from '../../../server/src/http/schemas/deliveries.ts';
import type {
  endpointPageSchema,
  endpointViewSchema,
  endpointWithSecretSchema,
} from '../../../server/src/http/schemas/endpoints.ts';
import type {
  eventPageSchema,
  storedEventSchema,
} from '../../../server/src/http/schemas/events.ts';
import type { callingKeySchema } from '../../../server/src/http/schemas/keys.ts';

export type { CallEventType };
export type CallView = z.output<typeof callViewSchema>;
export type CallPage = z.output<typeof callPageSchema>;
export type StoredEvent = z.output<typeof storedEventSchema>;
export type EventPage = z.output<typeof eventPageSchema>;
export type EndpointView = z.output<typeof endpointViewSchema>;
export type EndpointWithSecret = z.output<typeof endpointWithSecretSchema>;
export type EndpointPage = z.output<typeof endpointPageSchema>;
export type DeliveryView = z.output<typeof deliveryViewSchema>;
export type DeliveryPage = z.output<typeof deliveryPageSchema>;
export type AttemptView = z.output<typeof attemptViewSchema>;
export type ReplayResult = z.output<typeof replayResultSchema>;
export type CallingKey = z.output<typeof callingKeySchema>;
export type ParticipantState = CallView['participants'][number]['state'];
