import {
  callEventTypeSchema,
  epochMillisSchema,
  streamIdSchema,
  threadIdSchema,
} from '@callhook/sdk';
import { z } from 'zod';
import {
  createEndpointInputSchema,
  enableEndpointInputSchema,
  updateEndpointInputSchema,
} from '../../service/endpoint-input.ts';
import { pageLimitSchema } from './common.ts';

// Webhook endpoints over HTTP (docs/contract.md §3 "Endpoints"). The request bodies are the
// endpoint service's own input schemas; the responses mirror its views. A secret appears only
// in the create and rotate-secret answers.

/** Ids of endpoints and deliveries (`ep_…`, `dlv_…`): opaque tokens made by the service. */
export const resourceIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be an id as returned by the API')
  .describe('an id as returned by the API');

export const endpointParamsSchema = z.object({
  id: resourceIdSchema.describe('id of the endpoint (ep_…)'),
});

/** The opaque cursor of the endpoint and delivery listings. */
export const pageCursorSchema = z
  .string()
  .min(1)
  .max(512)
  .optional()
  .describe('the nextCursor of the previous page, unchanged');

export const createEndpointBodySchema = createEndpointInputSchema;
export const updateEndpointBodySchema = updateEndpointInputSchema;
/** No body at all (fastify reads it as null) is `{}`. */
export const enableEndpointBodySchema = enableEndpointInputSchema.nullish();

export const listEndpointsQuerySchema = z.strictObject({
  limit: pageLimitSchema,
  cursor: pageCursorSchema,
});

const endpointDisabledReasonSchema = z
  .enum(['manual', 'gone', 'failing'])
  .describe(
    'why it is disabled: manual (PATCH enabled:false), gone (the receiver answered 410), ' +
      'failing (every attempt failed for 5 days)',
  );

export const endpointViewSchema = z
  .object({
    id: resourceIdSchema.describe('id of the endpoint (ep_…)'),
    url: z.string().describe('where the events are POSTed'),
    description: z.string().nullable(),
    eventTypes: z
      .array(callEventTypeSchema)
      .nullable()
      .describe('event types delivered; null for every type'),
    filter: z
      .object({ streamId: streamIdSchema.optional(), threadId: threadIdSchema.optional() })
      .nullable()
      .describe('only events of calls in this stream and/or thread; null for all'),
    enabled: z.boolean(),
    disabledReason: endpointDisabledReasonSchema.nullable(),
    failingSince: epochMillisSchema
      .nullable()
      .describe('start of the current run of failed attempts, ms since the epoch; null if none'),
    createdAt: epochMillisSchema,
    updatedAt: epochMillisSchema,
    secretRotation: z
      .object({
        previousExpiresAt: epochMillisSchema.describe(
          'when the replaced secret stops signing (24 h after the rotation)',
        ),
      })
      .nullable()
      .describe('while a replaced secret still signs too; null otherwise'),
  })
  .describe('A webhook endpoint (its secrets are never shown here)');

export const endpointWithSecretSchema = endpointViewSchema
  .extend({
    secret: z
      .string()
      .describe('the signing secret, whsec_ + base64: shown only in this answer, store it now'),
  })
  .describe('A webhook endpoint with its new signing secret, shown this once');

export const endpointPageSchema = z.object({
  endpoints: z.array(endpointViewSchema).describe('newest first'),
  nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null at the end'),
});

export const missedEventsSchema = z
  .object({
    events: z
      .int()
      .nonnegative()
      .describe(
        'events logged while it was disabled that its subscription matches: none was queued for it then',
      ),
    replayed: z
      .int()
      .nonnegative()
      .describe('how many of them were queued now: all with replayMissed: true, else 0'),
    replay: z
      .object({
        method: z.literal('POST'),
        path: z.string().describe('/v1/endpoints/{id}/replay'),
        body: z.object({
          since: epochMillisSchema.describe('when the first missed event occurred'),
          until: epochMillisSchema.describe('when the last missed event occurred'),
        }),
      })
      .nullable()
      .describe(
        'the request that queues the missed events not replayed (a replay window covering them; ' +
          'events of its first and last millisecond that were sent already may come again); ' +
          'null when none is left',
      ),
  })
  .describe('What the endpoint missed while it was disabled');

export const endpointEnabledSchema = endpointViewSchema
  .extend({ missed: missedEventsSchema })
  .describe(
    'The endpoint, enabled, with what it missed while disabled (nothing if it was enabled)',
  );

export const endpointUpdatedSchema = endpointViewSchema
  .extend({
    missed: missedEventsSchema
      .optional()
      .describe('present when the patch had enabled: true (as POST …/enable answers)'),
  })
  .describe('The endpoint as changed');
