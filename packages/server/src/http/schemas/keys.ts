import { z } from 'zod';
import { apiKeyScopeSchema, createApiKeyInputSchema } from '../../auth/key-input.ts';
import { pageLimitSchema } from './common.ts';
import { pageCursorSchema } from './endpoints.ts';

// Scoped API keys over HTTP (docs/api.md "API keys"). The key's text appears in the create
// answer only; listings show its id, name, scopes and limit.

export const createApiKeyBodySchema = createApiKeyInputSchema;

export const apiKeyParamsSchema = z.object({
  id: z
    .string()
    .regex(/^key_[0-9a-f]{32}$/, 'must be a key id (key_ and 32 hex digits)')
    .describe('id of the key (key_…)'),
});

export const listApiKeysQuerySchema = z.strictObject({
  limit: pageLimitSchema,
  cursor: pageCursorSchema,
});

export const apiKeyViewSchema = z
  .object({
    id: z.string().describe('id of the key (key_…); not a secret'),
    name: z.string(),
    scopes: z.array(apiKeyScopeSchema),
    rateLimitPerSecond: z.number().nullable().describe('null: no limit'),
    createdAt: z.number().int().describe('epoch ms'),
  })
  .describe('An API key (without the key itself)');

export const createdApiKeySchema = apiKeyViewSchema
  .extend({
    key: z
      .string()
      .describe('the key: send it as "Authorization: Bearer <key>"; shown in this answer only'),
  })
  .describe('A new API key, with the key shown once');

export const apiKeyPageSchema = z.object({
  keys: z.array(apiKeyViewSchema),
  nextCursor: z.string().nullable(),
});

export const callingKeySchema = z
  .object({
    id: z
      .string()
      .describe('id of the key (key_…); `bootstrap` for the admin key of the data directory'),
    name: z.string().describe('`bootstrap admin key` for the admin key of the data directory'),
    scopes: z.array(apiKeyScopeSchema),
    rateLimitPerSecond: z.number().nullable().describe('null: no limit'),
  })
  .describe('The API key that made the request (without the key itself)');
