import {
  callEventTypeSchema,
  EVENT_TYPES,
  streamIdSchema,
  threadIdSchema,
  toIssues,
} from '@callhook/sdk';
import { z } from 'zod';
import { CallhookError } from '../errors.ts';

// What the endpoint service accepts, written once: the service parses its input with these
// schemas (so any caller gets the same rules), and the HTTP routes use the same schemas for
// their request validation and the OpenAPI document.

export const MAX_URL_LENGTH = 2048;
export const MAX_DESCRIPTION_LENGTH = 256;

export const endpointUrlSchema = z
  .string()
  .min(1)
  .max(MAX_URL_LENGTH)
  .describe(
    'http(s) URL the events are POSTed to; refused (forbidden_target) when it resolves to a ' +
      'loopback, private or link-local address unless the operator allows private targets',
  );

/** Duplicates are dropped and the list kept in the SDK's order, so equal subscriptions compare equal. */
export const endpointEventTypesSchema = z
  .array(callEventTypeSchema)
  .min(1, 'must list at least one event type; omit it (or send null) for every type')
  .transform((types) => EVENT_TYPES.filter((t) => types.includes(t)))
  .describe(`event types to deliver, any of: ${EVENT_TYPES.join(', ')}; null for every type`);

export const endpointFilterSchema = z
  .strictObject({
    streamId: streamIdSchema.optional().describe('deliver only events of this stream'),
    threadId: threadIdSchema.optional().describe('deliver only events of this thread'),
  })
  .describe('deliver only the events of calls in this stream and/or thread; null for all');

export const endpointDescriptionSchema = z
  .string()
  .max(MAX_DESCRIPTION_LENGTH)
  .describe(`free text for people, at most ${MAX_DESCRIPTION_LENGTH} characters`);

export const createEndpointInputSchema = z.strictObject({
  url: endpointUrlSchema,
  eventTypes: endpointEventTypesSchema.nullable().optional(),
  filter: endpointFilterSchema.nullable().optional(),
  description: endpointDescriptionSchema.nullable().optional(),
});

export const updateEndpointInputSchema = z
  .strictObject({
    url: endpointUrlSchema.optional(),
    eventTypes: endpointEventTypesSchema.nullable().optional(),
    filter: endpointFilterSchema.nullable().optional(),
    description: endpointDescriptionSchema.nullable().optional(),
    enabled: z
      .boolean()
      .optional()
      .describe('false disables (reason manual); true is the same as POST …/enable'),
  })
  .refine((patch) => Object.values(patch).some((v) => v !== undefined), {
    message: 'send at least one of url, eventTypes, filter, description, enabled',
    // Only for an otherwise valid patch: an unknown field is reported alone, by its name.
    when: (payload) => payload.issues.length === 0,
  });

/**
 * A point in time: integer milliseconds since the Unix epoch (like every time of the API), or
 * an ISO-8601 date-time with `Z` or an offset (no zone-less local times: they are ambiguous).
 */
function instant() {
  return z
    .union([
      z.int().nonnegative(),
      z.iso
        .datetime({ offset: true })
        .transform((text) => Date.parse(text))
        .pipe(z.int().nonnegative()),
    ])
    .describe('ms since the Unix epoch, or an ISO-8601 date-time with Z or an offset');
}

export const instantSchema = instant();

export const replayWindowSchema = z.strictObject({
  since: instantSchema.describe('replay events that occurred at or after this time'),
  // A schema of its own, described before made optional: fastify's OpenAPI transform drops
  // the ISO-8601 branch of a union met twice, or described after .optional(), and `until`
  // was documented as integer-only.
  until: instant()
    .describe('…and at or before this time (default: now); must not be before since')
    .optional(),
});

/** POST …/enable: the body is optional, and so is each field. */
export const enableEndpointInputSchema = z.strictObject({
  replayMissed: z
    .boolean()
    .optional()
    .describe(
      'true: also queue the events it missed while disabled (those its subscription matches); ' +
        'false or absent: only count them',
    ),
});

export type CreateEndpointInput = z.input<typeof createEndpointInputSchema>;
export type UpdateEndpointInput = z.input<typeof updateEndpointInputSchema>;
export type ReplayWindowInput = z.input<typeof replayWindowSchema>;
export type EnableEndpointInput = z.input<typeof enableEndpointInputSchema>;

/** Parses service input; a failure is a `validation_error` naming each field, like the HTTP layer's. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw fieldError(toIssues(result.error));
}

/** A `validation_error` whose details are field issues (`in`, `path`, `message`). */
export function fieldError(issues: readonly { path: string; message: string }[]): CallhookError {
  const details = issues.map((i) => ({ in: 'body', path: i.path, message: i.message }));
  const summary = details.map((d) => `${d.path}: ${d.message}`).join('; ');
  return new CallhookError('validation_error', `invalid body: ${summary}`, details);
}
