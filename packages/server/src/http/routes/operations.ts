import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CallhookError } from '../../errors.ts';
import { errorResponses } from '../schemas/common.ts';
import type { RouteDeps } from './route-deps.ts';

const statusSchema = z.object({ status: z.literal('ok') });

/** Health, readiness, Prometheus metrics and the OpenAPI document. */
export const operationRoutes: FastifyPluginAsyncZod<RouteDeps> = async (
  app,
  { store, metrics },
) => {
  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: {
        summary: 'Liveness: the process answers',
        tags: ['operations'],
        security: [],
        response: { 200: statusSchema },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: {
        summary: 'Readiness: the database answers',
        tags: ['operations'],
        security: [],
        response: { 200: statusSchema, ...errorResponses },
      },
    },
    async (request) => {
      try {
        await store.ping();
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed');
        throw new CallhookError('unavailable', 'the database does not answer');
      }
      return { status: 'ok' as const };
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics (text exposition format)',
        tags: ['operations'],
        produces: ['text/plain'],
        response: { 200: z.string().describe('Prometheus text exposition format') },
      },
    },
    async (_request, reply) => {
      const text = await metrics.registry.metrics();
      // A string with a non-JSON content-type is sent as is, past the JSON serializer.
      return reply.type(metrics.registry.contentType).send(text);
    },
  );

  app.get(
    '/openapi.json',
    {
      schema: {
        summary: 'This API as an OpenAPI 3.1 document',
        tags: ['operations'],
        response: { 200: z.looseObject({ openapi: z.string() }) },
      },
    },
    async () => app.swagger() as { openapi: string },
  );
};
