import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { KeyService } from '../../auth/key-service.ts';
import { errorResponses } from '../schemas/common.ts';
import {
  apiKeyPageSchema,
  apiKeyParamsSchema,
  callingKeySchema,
  createApiKeyBodySchema,
  createdApiKeySchema,
  listApiKeysQuerySchema,
} from '../schemas/keys.ts';

export interface KeyRouteDeps {
  keys: KeyService;
}

const tags = ['keys'];

/**
 * Scoped API keys: create (the key shown once), list, revoke — admin scope only; and which key
 * is calling, for any key (a client such as the console shows only what the key may do).
 */
export const keyRoutes: FastifyPluginAsyncZod<KeyRouteDeps> = async (app, { keys }) => {
  app.post(
    '/v1/keys',
    {
      schema: {
        summary: 'Create an API key with scopes (the answer is the only one that shows the key)',
        tags,
        body: createApiKeyBodySchema,
        response: { 201: createdApiKeySchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await keys.create(request.body)),
  );

  app.get(
    '/v1/keys',
    {
      schema: {
        summary: 'List API keys, newest first (the bootstrap admin key is not listed)',
        tags,
        querystring: listApiKeysQuerySchema,
        response: { 200: apiKeyPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      return keys.list({ limit, ...(cursor !== undefined && { cursor }) });
    },
  );

  app.delete(
    '/v1/keys/:id',
    {
      schema: {
        summary: 'Revoke an API key: refused from now on',
        tags,
        params: apiKeyParamsSchema,
        response: { 204: z.null().describe('revoked'), ...errorResponses },
      },
    },
    async (request, reply) => {
      await keys.revoke(request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/keys/self',
    {
      schema: {
        summary: 'The calling key: its id, name, scopes and rate limit (any key may ask)',
        tags,
        response: { 200: callingKeySchema, ...errorResponses },
      },
    },
    async (request) => {
      // The auth hook ran first (this route is not public), so there is a principal.
      const { keyId, name, scopes, rateLimitPerSecond } = request.principal!;
      return { id: keyId, name, scopes: [...scopes], rateLimitPerSecond };
    },
  );
};
