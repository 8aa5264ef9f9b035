import { z } from 'zod';

// Shapes shared by every slice of the HTTP API. Policy: request bodies and query strings
// are strict — an unknown field is a 400 naming it, so a typo (`threadID`) never passes
// silently as "field missing". Headers are open (clients and proxies add their own).

/** The error envelope of docs/contract.md §3: `{"error": {"code", "message", "details"?}}`. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().describe('stable machine-readable code, e.g. invalid_transition'),
      message: z.string().describe('what went wrong and what to do, for humans'),
      details: z.unknown().optional().describe('structured context; field paths for 400s'),
    }),
  })
  .describe('An error');

/** Every error a route can answer with, for the OpenAPI document and the serializer. */
export const errorResponses = {
  '4xx': errorBodySchema,
  '5xx': errorBodySchema,
} as const;

/** A page size: `limit` of the list routes. */
export const MAX_PAGE_LIMIT = 500;
export const DEFAULT_PAGE_LIMIT = 50;

export const pageLimitSchema = z.coerce
  .number<string>()
  .int()
  .min(1)
  .max(MAX_PAGE_LIMIT)
  .default(DEFAULT_PAGE_LIMIT)
  .describe(`page size, 1-${MAX_PAGE_LIMIT} (default ${DEFAULT_PAGE_LIMIT})`);

/**
 * A position in the event log as a decimal string (the `/v1/events` cursor and the SSE
 * `id:`), parsed to a number. Positions are safe integers, so anything longer is refused.
 */
export const eventCursorSchema = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,15})$/, 'must be a cursor: a non-negative decimal integer')
  .transform(Number)
  .refine(Number.isSafeInteger, 'cursor out of range')
  .describe('position in the event log: the nextCursor (or SSE id) of an earlier read');

/** `Idempotency-Key`: 1-255 printable ASCII characters, chosen by the client. */
export const idempotencyHeadersSchema = z.looseObject({
  'idempotency-key': z
    .string()
    .regex(/^[\x20-\x7E]{1,255}$/, 'must be 1-255 printable ASCII characters')
    .optional()
    .describe(
      'makes the request safe to retry: the same key with the same request returns the first response and emits nothing again',
    ),
});
