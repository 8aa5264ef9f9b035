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

// The event log over HTTP (docs/contract.md §3 "Events"): polling pages and the SSE stream.

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

/**
 * The stream filters like the log, with `type`; `types` (its first name) is still accepted.
 * Given both, an event passes when its type is in either list.
 */
export const eventStreamQuerySchema = z
  .strictObject({
    type: eventTypeListSchema.optional(),
    types: eventTypeListSchema.optional().describe('the same as `type` (an older name)'),
    after: eventCursorSchema.optional(),
    access_token: z
      .string()
      .optional()
      .describe(
        'a stream token from POST /v1/events/stream-token, for clients that cannot send Authorization (browser EventSource)',
      ),
  })
  .transform(({ type, types, after }) => ({
    types: type || types ? [...new Set([...(type ?? []), ...(types ?? [])])] : undefined,
    after,
  }));

export const streamTokenSchema = z
  .object({
    token: z.string().describe('pass as ?access_token= to GET /v1/events/stream'),
    expiresAt: epochMillisSchema.describe(
      'when it stops opening streams (a stream already open stays open)',
    ),
    streamUrl: z.string().describe('the stream path with the token, ready for new EventSource(…)'),
  })
  .describe('A short-lived token that opens the event stream');

export const eventStreamHeadersSchema = z.looseObject({
  'last-event-id': eventCursorSchema
    .optional()
    .describe('resume after this SSE id (sent by EventSource on reconnect); wins over `after`'),
});
