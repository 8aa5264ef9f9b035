import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sendCommandResult } from '../command-reply.ts';
import { idempotencyOf } from '../idempotency-key.ts';
import {
  callPageSchema,
  callParamsSchema,
  callViewSchema,
  createCallBodySchema,
  listCallsQuerySchema,
} from '../schemas/calls.ts';
import { errorResponses, idempotencyHeadersSchema } from '../schemas/common.ts';
import type { RouteDeps } from './route-deps.ts';

/** Creating, reading and listing calls. */
export const callRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { service, metrics }) => {
  app.post(
    '/v1/calls',
    {
      schema: {
        summary: 'Create a call (emits call.created)',
        tags: ['calls'],
        headers: idempotencyHeadersSchema,
        body: createCallBodySchema,
        response: { 201: callViewSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await metrics.timeCommand('create', () =>
        service.createCall(request.body, idempotencyOf(request)),
      );
      return sendCommandResult(reply, result);
    },
  );

  app.get(
    '/v1/calls/:callId',
    {
      schema: {
        summary: 'Get a call',
        tags: ['calls'],
        params: callParamsSchema,
        response: { 200: callViewSchema, ...errorResponses },
      },
    },
    async (request) => service.getCall(request.params.callId),
  );

  app.get(
    '/v1/calls',
    {
      schema: {
        summary: 'List calls, newest first',
        tags: ['calls'],
        querystring: listCallsQuerySchema,
        response: { 200: callPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { state, threadId, streamId, limit, cursor } = request.query;
      return service.listCalls({
        limit,
        ...(state !== undefined && { status: state }),
        ...(threadId !== undefined && { threadId }),
        ...(streamId !== undefined && { streamId }),
        ...(cursor !== undefined && { cursor }),
      });
    },
  );
};
