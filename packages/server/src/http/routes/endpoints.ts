import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { EndpointService } from '../../service/endpoint-service.ts';
import type { MissedEvents } from '../../store/delivery-port.ts';
import { errorResponses } from '../schemas/common.ts';
import {
  createEndpointBodySchema,
  enableEndpointBodySchema,
  endpointEnabledSchema,
  endpointPageSchema,
  endpointParamsSchema,
  endpointUpdatedSchema,
  endpointViewSchema,
  endpointWithSecretSchema,
  listEndpointsQuerySchema,
  type missedEventsSchema,
  updateEndpointBodySchema,
} from '../schemas/endpoints.ts';

/** What the endpoint and delivery plugins are given by `buildApp`. */
export interface EndpointRouteDeps {
  endpoints: EndpointService;
}

const tags = ['endpoints'];

/** Webhook subscriptions: create, read, change, delete, rotate the secret, enable. */
export const endpointRoutes: FastifyPluginAsyncZod<EndpointRouteDeps> = async (
  app,
  { endpoints },
) => {
  app.post(
    '/v1/endpoints',
    {
      schema: {
        summary: 'Create a webhook endpoint (the answer is the only one that shows its secret)',
        tags,
        body: createEndpointBodySchema,
        response: { 201: endpointWithSecretSchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await endpoints.create(request.body)),
  );

  app.get(
    '/v1/endpoints',
    {
      schema: {
        summary: 'List webhook endpoints, newest first',
        tags,
        querystring: listEndpointsQuerySchema,
        response: { 200: endpointPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      return endpoints.list({ limit, ...(cursor !== undefined && { cursor }) });
    },
  );

  app.get(
    '/v1/endpoints/:id',
    {
      schema: {
        summary: 'Get a webhook endpoint',
        tags,
        params: endpointParamsSchema,
        response: { 200: endpointViewSchema, ...errorResponses },
      },
    },
    async (request) => endpoints.get(request.params.id),
  );

  app.patch(
    '/v1/endpoints/:id',
    {
      schema: {
        summary: 'Change a webhook endpoint (a new url is checked like at creation)',
        tags,
        params: endpointParamsSchema,
        body: updateEndpointBodySchema,
        response: { 200: endpointUpdatedSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { missed, ...endpoint } = await endpoints.update(request.params.id, request.body);
      return missed ? { ...endpoint, missed: missedAnswer(endpoint.id, missed) } : endpoint;
    },
  );

  app.delete(
    '/v1/endpoints/:id',
    {
      schema: {
        summary: 'Delete a webhook endpoint with its deliveries',
        tags,
        params: endpointParamsSchema,
        response: { 204: z.null().describe('deleted'), ...errorResponses },
      },
    },
    async (request, reply) => {
      await endpoints.delete(request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/v1/endpoints/:id/rotate-secret',
    {
      schema: {
        summary: 'Make a new signing secret (shown once); the old one keeps signing for 24 h',
        tags,
        params: endpointParamsSchema,
        response: { 200: endpointWithSecretSchema, ...errorResponses },
      },
    },
    async (request) => endpoints.rotateSecret(request.params.id),
  );

  app.post(
    '/v1/endpoints/:id/enable',
    {
      schema: {
        summary:
          'Enable a disabled endpoint; its waiting deliveries go out again, and the events it ' +
          'missed while disabled are counted, or queued with {"replayMissed": true}',
        tags,
        params: endpointParamsSchema,
        body: enableEndpointBodySchema,
        response: { 200: endpointEnabledSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { missed, ...endpoint } = await endpoints.enable(request.params.id, request.body ?? {});
      request.log.warn(
        { endpointId: endpoint.id, missedEvents: missed.events, replayed: missed.replayed },
        'endpoint enabled again: its waiting deliveries go out',
      );
      return { ...endpoint, missed: missedAnswer(endpoint.id, missed) };
    },
  );
};

/** The missed events as the API tells them: counts, and how to queue what is left. */
function missedAnswer(
  endpointId: string,
  missed: MissedEvents,
): z.infer<typeof missedEventsSchema> {
  const { events, replayed, firstAt: since, lastAt: until } = missed;
  const left = events > replayed && since !== null && until !== null;
  return {
    events,
    replayed,
    replay: left
      ? { method: 'POST', path: `/v1/endpoints/${endpointId}/replay`, body: { since, until } }
      : null,
  };
}
