import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses } from '../schemas/common.ts';
import {
  deliveryPageSchema,
  deliveryParamsSchema,
  deliveryViewSchema,
  listDeliveriesQuerySchema,
  replayBodySchema,
  replayResultSchema,
  resendBodySchema,
  resendParamsSchema,
} from '../schemas/deliveries.ts';
import { endpointParamsSchema } from '../schemas/endpoints.ts';
import type { EndpointRouteDeps } from './endpoints.ts';

const tags = ['deliveries'];

/** An endpoint's deliveries with their attempts; retry one, replay a time window, resend one event. */
export const deliveryRoutes: FastifyPluginAsyncZod<EndpointRouteDeps> = async (
  app,
  { endpoints },
) => {
  app.get(
    '/v1/endpoints/:id/deliveries',
    {
      schema: {
        summary: "List an endpoint's deliveries, newest first, each with its attempts",
        tags,
        params: endpointParamsSchema,
        querystring: listDeliveriesQuerySchema,
        response: { 200: deliveryPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { status, limit, cursor } = request.query;
      return endpoints.listDeliveries(request.params.id, {
        limit,
        ...(status !== undefined && { status }),
        ...(cursor !== undefined && { cursor }),
      });
    },
  );

  app.post(
    '/v1/deliveries/:id/retry',
    {
      schema: {
        summary: 'Send a failed (or pending) delivery again, now',
        tags,
        params: deliveryParamsSchema,
        response: { 200: deliveryViewSchema, ...errorResponses },
      },
    },
    async (request) => endpoints.retryDelivery(request.params.id),
  );

  app.post(
    '/v1/endpoints/:id/replay',
    {
      schema: {
        summary: 'Queue again every subscribed event that occurred in [since, until]',
        tags,
        params: endpointParamsSchema,
        body: replayBodySchema,
        response: { 200: replayResultSchema, ...errorResponses },
      },
    },
    async (request) => endpoints.replay(request.params.id, request.body),
  );

  app.post(
    '/v1/events/:eventId/resend',
    {
      schema: {
        summary: 'Queue one event again for one endpoint, delivered before or not',
        tags,
        params: resendParamsSchema,
        body: resendBodySchema,
        response: { 201: deliveryViewSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const delivery = await endpoints.resendEvent(request.params.eventId, request.body.endpointId);
      return reply.code(201).send(delivery);
    },
  );
};
