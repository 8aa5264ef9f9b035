import { callEventTypeSchema, callIdSchema, epochMillisSchema, UUID_PATTERN } from '@callhook/sdk';
import { z } from 'zod';
import { replayWindowSchema } from '../../service/endpoint-input.ts';
import { pageLimitSchema } from './common.ts';
import { pageCursorSchema, resourceIdSchema } from './endpoints.ts';

// Deliveries over HTTP (docs/contract.md §3 "deliveries"): an endpoint's outbox with the attempts
// made, and the operator's three ways to send again: retry, replay, resend one event.

export const deliveryParamsSchema = z.object({
  id: resourceIdSchema.describe('id of the delivery (dlv_…)'),
});

export const listDeliveriesQuerySchema = z.strictObject({
  status: z
    .enum(['pending', 'delivered', 'failed'])
    .optional()
    .describe(
      'pending: to be sent (or waiting behind an earlier seq); delivered: a 2xx came back; failed: retries ran out',
    ),
  limit: pageLimitSchema,
  cursor: pageCursorSchema,
});

export const attemptViewSchema = z
  .object({
    attempt: z.int().positive().describe('1 for the first attempt'),
    startedAt: epochMillisSchema.describe('when the attempt started, ms since the epoch'),
    statusCode: z.int().nullable().describe('HTTP status answered; null when none came back'),
    latencyMs: z.int().nonnegative().describe('ms from the start to the answer (or the error)'),
    error: z.string().nullable().describe('why no usable answer came back (timeout, refused …)'),
    responseBody: z.string().describe('the first 1 KiB of the response body'),
  })
  .describe('One attempt to deliver');

export const deliveryViewSchema = z
  .object({
    id: resourceIdSchema.describe('id of the delivery (dlv_…)'),
    endpointId: resourceIdSchema,
    eventId: z.string().regex(UUID_PATTERN).describe("the event's UUID (webhook-id)"),
    callId: callIdSchema,
    seq: z.int().positive(),
    previousSeq: z
      .int()
      .nonnegative()
      .describe(
        'seq of the previous event of this call sent to this endpoint, 0 when none (callhook-previous-seq)',
      ),
    eventType: callEventTypeSchema,
    status: z.enum(['pending', 'delivered', 'failed']),
    attemptCount: z.int().nonnegative(),
    nextAttemptAt: epochMillisSchema
      .nullable()
      .describe('when the next attempt is due; null while waiting behind an earlier seq, or done'),
    createdAt: epochMillisSchema,
    updatedAt: epochMillisSchema,
    attempts: z.array(attemptViewSchema).describe('oldest first'),
  })
  .describe('The delivery of one event to one endpoint');

export const deliveryPageSchema = z.object({
  deliveries: z.array(deliveryViewSchema).describe('newest first'),
  nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null at the end'),
});

export const replayBodySchema = replayWindowSchema;

export const resendParamsSchema = z.object({
  eventId: z.string().regex(UUID_PATTERN).describe("the event's UUID (webhook-id)"),
});

export const resendBodySchema = z.strictObject({
  endpointId: resourceIdSchema.describe('the endpoint to send the event to (ep_…)'),
});

export const replayResultSchema = z.object({
  replayed: z.int().nonnegative().describe('how many deliveries were queued'),
});
