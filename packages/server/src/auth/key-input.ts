import { z } from 'zod';
import { API_KEY_SCOPES } from '../store/api-key-port.ts';

// What `POST /v1/keys` (and `callhook keys create`) may ask for, checked once at the edge.

/** The most requests per second a key may be given; more is "no limit" (null). */
export const MAX_RATE_LIMIT_PER_SECOND = 100_000;

export const apiKeyScopeSchema = z
  .enum(API_KEY_SCOPES)
  .describe(
    'admin (everything, keys too), calls:write (create calls and send commands), ' +
      'events:read (read calls, events, the stream, endpoints, deliveries, metrics), ' +
      'endpoints:write (manage endpoints, retry and replay deliveries)',
  );

export const createApiKeyInputSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1)
    .max(128)
    .describe('what the key is for, e.g. "dashboard" or "bot north"'),
  scopes: z.array(apiKeyScopeSchema).min(1).describe('what the key may do'),
  rateLimitPerSecond: z
    .number()
    .positive()
    .max(MAX_RATE_LIMIT_PER_SECOND)
    .nullable()
    .optional()
    .describe(
      'sustained requests per second (a token bucket holding one second of them); null for no limit; default 100',
    ),
});

export type CreateApiKeyInput = z.infer<typeof createApiKeyInputSchema>;
