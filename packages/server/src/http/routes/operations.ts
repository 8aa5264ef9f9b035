import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CallhookError } from '../../errors.ts';
import type { QuarantineStore } from '../../store/quarantine-port.ts';
import { StoreUnavailableError } from '../../store/store-unavailable.ts';
import { errorResponses } from '../schemas/common.ts';
import type { RouteDeps } from './route-deps.ts';

const statusSchema = z.object({ status: z.literal('ok') });

/**
 * Ready, but with stored rows set aside as unreadable or a failed integrity check at open:
 * the service works (200), and says what an operator has to look at (docs/operations.md).
 */
const readySchema = z.union([
  statusSchema,
  z.object({
    status: z.literal('degraded'),
    quarantinedRows: z.number().int(),
    integrityProblems: z.array(z.string()),
  }),
]);

/** Health, readiness, Prometheus metrics and the OpenAPI document. */
export const operationRoutes: FastifyPluginAsyncZod<
  RouteDeps & { quarantine?: QuarantineStore }
> = async (app, { store, metrics, quarantine }) => {
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
        response: { 200: readySchema, ...errorResponses },
      },
    },
    async (request) => {
      try {
        await store.ping();
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed');
        // A full disk says so, with Retry-After; any other failure is "does not answer".
        if (error instanceof StoreUnavailableError) throw error;
        throw new CallhookError('unavailable', 'the database does not answer');
      }
      const found = await quarantine?.summary();
      if (found && (found.rows > 0 || found.integrityProblems.length > 0)) {
        return {
          status: 'degraded' as const,
          quarantinedRows: found.rows,
          integrityProblems: [...found.integrityProblems],
        };
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
    // The server a client reached this document on is the one to name (behind a proxy too,
    // when fastify trusts it), rather than the default address.
    async (request) => ({
      ...(app.swagger() as { openapi: string }),
      servers: [{ url: `${request.protocol}://${request.host}` }],
    }),
  );
};
