import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import type { ChangeFeed } from '../../store/change-feed.ts';
import { EventStreamSession } from '../event-stream-session.ts';
import { eventStreamHeadersSchema, eventStreamQuerySchema } from '../schemas/events.ts';
import type { RouteDeps } from './route-deps.ts';

export interface EventStreamDeps extends RouteDeps {
  changes: ChangeFeed;
  clock: Clock;
  heartbeatMs: number;
}

/** The event log as Server-Sent Events, resumable with `Last-Event-ID`. */
export const eventStreamRoutes: FastifyPluginAsyncZod<EventStreamDeps> = async (app, deps) => {
  const { store, changes, clock, heartbeatMs } = deps;
  const open = new Set<EventStreamSession>();

  // preClose, not onClose: the HTTP server waits for open connections before onClose
  // hooks run, so a live stream would otherwise hold graceful shutdown forever.
  app.addHook('preClose', async () => {
    for (const session of [...open]) session.close();
  });

  app.get(
    '/v1/events/stream',
    {
      schema: {
        summary: 'Stream events as Server-Sent Events (id: cursor, event: type, data: body)',
        description:
          'Starts after Last-Event-ID, else after `after`, else from now. Sends `: ping` comments to keep the connection alive.',
        tags: ['events'],
        headers: eventStreamHeadersSchema,
        querystring: eventStreamQuerySchema,
        // Only the stream is documented: `produces` applies to every status of the route.
        produces: ['text/event-stream'],
        response: {
          200: z
            .string()
            .describe('text/event-stream: `id: <cursor>`, `event: <type>`, `data: <body JSON>`'),
        },
      },
    },
    async (request, reply) => {
      const after =
        request.headers['last-event-id'] ??
        request.query.after ??
        (await store.lastEventPosition());
      reply.hijack();
      const session = new EventStreamSession({
        response: reply.raw,
        store,
        changes,
        clock,
        log: request.log,
        after,
        types: request.query.types,
        heartbeatMs,
        onClose: () => open.delete(session),
      });
      open.add(session);
      session.start();
    },
  );
};
