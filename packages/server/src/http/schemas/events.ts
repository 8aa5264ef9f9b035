import {
  callEventSchema,
  callEventTypeSchema,
  callIdSchema,
  EVENT_TYPES,
  epochMillisSchema,
  UUID_PATTERN,
} from '@callhook/sdk';
import { z } from 'zod';
import { eventCursorSchema, pageLimitSchema } from './common.ts';

// The event log over HTTP (CONTRACT.md §3 "Events"): polling pages and the SSE stream.

/** A comma-separated list of event types, each checked against the SDK's EVENT_TYPES. */
export const eventTypeListSchema = z
  .string()
  .transform((s) => [...new Set(s.split(',').map((t) => t.trim()))])
  .pipe(z.array(callEventTypeSchema).min(1))
  .describe(`comma-separated event types, any of: ${EVENT_TYPES.join(', ')}`);

export const listEventsQuerySchema = z.strictObject({
  after: eventCursorSchema.optional(),
  callId: callIdSchema.optional(),
  type: eventTypeListSchema.optional(),
  limit: pageLimitSchema,
});

export const storedEventSchema = z
  .object({
    id: z.string().regex(UUID_PATTERN).describe("the event's UUID (webhook-id), stable forever"),
    callId: callIdSchema,
    seq: z.int().positive().describe('1, 2, 3 … per call, no gaps'),
    type: callEventTypeSchema,
    occurredAt: epochMillisSchema.describe('when the state change happened'),
    payload: callEventSchema.describe('the event body, exactly as delivered to webhooks'),
  })
  .describe('An event of the log');

export const eventPageSchema = z.object({
  events: z.array(storedEventSchema).describe('in log order'),
  nextCursor: z
    .string()
    .describe('pass as `after` to read on; the `after` given when the page is empty'),
});

export const eventStreamQuerySchema = z.strictObject({
  types: eventTypeListSchema.optional(),
  after: eventCursorSchema.optional(),
});

export const eventStreamHeadersSchema = z.looseObject({
  'last-event-id': eventCursorSchema
    .optional()
    .describe('resume after this SSE id (sent by EventSource on reconnect); wins over `after`'),
});
