import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import { CallhookError } from '../../errors.ts';
import type { ChangeFeed } from '../../store/change-feed.ts';
import { EventFanout } from '../event-fanout.ts';
import { EventStreamSession } from '../event-stream-session.ts';
import { errorResponses } from '../schemas/common.ts';
import {
  eventStreamHeadersSchema,
  eventStreamQuerySchema,
  streamTokenSchema,
} from '../schemas/events.ts';
import { countStreams } from '../stream-metrics.ts';
import type { RouteDeps } from './route-deps.ts';

export interface EventStreamDeps extends RouteDeps {
  changes: ChangeFeed;
  clock: Clock;
  heartbeatMs: number;
  /** Streams one API key may hold open at once; more are refused with 429. */
  maxStreamsPerKey: number;
}

/** The event log as Server-Sent Events, resumable with `Last-Event-ID`. */
export const eventStreamRoutes: FastifyPluginAsyncZod<EventStreamDeps> = async (app, deps) => {
  const { store, changes, clock, heartbeatMs, maxStreamsPerKey } = deps;
  const open = new Set<EventStreamSession>();
  const perKey = new Map<string, number>();
  const fanout = new EventFanout(store, changes, (err) =>
    app.log.error({ err }, 'event stream fan-out: store error; streams resume at the next commit'),
  );
  const stopCounting = countStreams(deps.metrics.registry, () => open.size);
  app.addHook('onClose', async () => {
    fanout.close();
    stopCounting();
  });

  // preClose, not onClose: the HTTP server waits for open connections before onClose
  // hooks run, so a live stream would otherwise hold graceful shutdown forever.
  app.addHook('preClose', async () => {
    for (const session of [...open]) session.close();
  });

  app.post(
    '/v1/events/stream-token',
    {
      schema: {
        summary: 'Get a short-lived token that opens the event stream without Authorization',
        description:
          'For browsers: EventSource cannot send an Authorization header. The token only reads events, for 5 minutes, on this server; pass it as ?access_token=.',
        tags: ['events'],
        response: { 201: streamTokenSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { token, expiresAt } = app.streamTokens.issue(request.principal!);
      reply.code(201);
      return { token, expiresAt, streamUrl: `/v1/events/stream?access_token=${token}` };
    },
  );

  app.get(
    '/v1/events/stream',
    {
      config: { streamToken: true },
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
      const keyId = request.principal?.keyId ?? '';
      const held = perKey.get(keyId) ?? 0;
      if (held >= maxStreamsPerKey) {
        reply.header('retry-after', '5');
        throw new CallhookError(
          'rate_limited',
          `this API key holds ${held} event streams already, the most one key may; close one, or use another key`,
          { maxStreamsPerKey },
        );
      }
      const after =
        request.headers['last-event-id'] ??
        request.query.after ??
        (await store.lastEventPosition());
      // A cursor that retention went past is refused before the stream starts (410
      // retention_expired), so that EventSource stops instead of reconnecting for ever.
      await store.readEvents({ after, limit: 1 });
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
        fanout,
        onClose: () => {
          open.delete(session);
          const left = (perKey.get(keyId) ?? 1) - 1;
          if (left > 0) perKey.set(keyId, left);
          else perKey.delete(keyId);
        },
      });
      open.add(session);
      perKey.set(keyId, held + 1);
      session.start();
    },
  );
};
