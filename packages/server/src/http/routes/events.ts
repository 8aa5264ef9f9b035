import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses } from '../schemas/common.ts';
import { eventPageSchema, listEventsQuerySchema } from '../schemas/events.ts';
import type { RouteDeps } from './route-deps.ts';

/** Polling the event log by cursor. */
export const eventRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { store }) => {
  app.get(
    '/v1/events',
    {
      schema: {
        summary: 'Read the event log after a cursor, in log order',
        tags: ['events'],
        querystring: listEventsQuerySchema,
        response: { 200: eventPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { after, callId, type, limit } = request.query;
      const stored = await store.readEvents({
        limit,
        ...(after !== undefined && { after }),
        ...(callId !== undefined && { callId }),
        ...(type !== undefined && { types: type }),
      });
      const last = stored[stored.length - 1];
      return {
        events: stored.map(({ id, callId, seq, type, occurredAt, payload }) => ({
          id,
          callId,
          seq,
          type,
          occurredAt,
          payload,
        })),
        // An empty page hands back the cursor it was given, so a poller can just keep going.
        nextCursor: String(last ? last.position : (after ?? 0)),
      };
    },
  );
};
