import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import {
  createJsonSchemaTransform,
  createJsonSchemaTransformObject,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callPageSchema, callViewSchema, participantViewSchema } from './schemas/calls.ts';
import { errorBodySchema } from './schemas/common.ts';
import { attemptViewSchema, deliveryPageSchema, deliveryViewSchema } from './schemas/deliveries.ts';
import {
  endpointPageSchema,
  endpointViewSchema,
  endpointWithSecretSchema,
  missedEventsSchema,
} from './schemas/endpoints.ts';
import { eventPageSchema, storedEventSchema } from './schemas/events.ts';
import {
  apiKeyPageSchema,
  apiKeyViewSchema,
  callingKeySchema,
  createdApiKeySchema,
} from './schemas/keys.ts';

// The OpenAPI document of GET /openapi.json, shaped for client generators: every operation
// has an operationId, the resources are named schemas in components (so a generated client
// has `Call`, `Endpoint`, `Delivery` types) that the routes reference, and the document names
// its license and a server.

/** The schemas that get a name in `components.schemas`; routes reference them by `$ref`. */
const NAMED_SCHEMAS: Record<string, z.ZodType> = {
  Call: callViewSchema,
  Participant: participantViewSchema,
  CallPage: callPageSchema,
  Event: storedEventSchema,
  EventPage: eventPageSchema,
  Endpoint: endpointViewSchema,
  EndpointWithSecret: endpointWithSecretSchema,
  EndpointPage: endpointPageSchema,
  MissedEvents: missedEventsSchema,
  Delivery: deliveryViewSchema,
  Attempt: attemptViewSchema,
  DeliveryPage: deliveryPageSchema,
  ApiKey: apiKeyViewSchema,
  CreatedApiKey: createdApiKeySchema,
  ApiKeyPage: apiKeyPageSchema,
  CallingKey: callingKeySchema,
  Error: errorBodySchema,
};

// The global registry, not one of our own: it also holds the `.describe()` texts, and a
// document built from another registry would lose them.
for (const [id, schema] of Object.entries(NAMED_SCHEMAS)) {
  z.globalRegistry.add(schema, { ...z.globalRegistry.get(schema), id });
}

/**
 * operationIds of the routes, by `METHOD path`. A route missing here gets one made from its
 * method and path (`POST /v1/sip/rooms` → `postV1SipRooms`), so every operation has one.
 */
const OPERATION_IDS: Record<string, string> = {
  'POST /v1/calls': 'createCall',
  'GET /v1/calls': 'listCalls',
  'GET /v1/calls/:callId': 'getCall',
  'POST /v1/calls/:callId/participants': 'inviteParticipant',
  'POST /v1/calls/:callId/participants/:userId/join': 'joinParticipant',
  'POST /v1/calls/:callId/participants/:userId/pause': 'pauseParticipant',
  'POST /v1/calls/:callId/participants/:userId/unpause': 'unpauseParticipant',
  'DELETE /v1/calls/:callId/participants/:userId': 'removeParticipant',
  'POST /v1/calls/:callId/dtmf': 'sendDtmf',
  'POST /v1/calls/:callId/end': 'endCall',
  'GET /v1/events': 'listEvents',
  'GET /v1/events/stream': 'streamEvents',
  'POST /v1/events/stream-token': 'createStreamToken',
  'POST /v1/endpoints': 'createEndpoint',
  'GET /v1/endpoints': 'listEndpoints',
  'GET /v1/endpoints/:id': 'getEndpoint',
  'PATCH /v1/endpoints/:id': 'updateEndpoint',
  'DELETE /v1/endpoints/:id': 'deleteEndpoint',
  'POST /v1/endpoints/:id/rotate-secret': 'rotateEndpointSecret',
  'POST /v1/endpoints/:id/enable': 'enableEndpoint',
  'POST /v1/endpoints/:id/replay': 'replayEndpoint',
  'GET /v1/endpoints/:id/deliveries': 'listDeliveries',
  'POST /v1/deliveries/:id/retry': 'retryDelivery',
  'POST /v1/events/:eventId/resend': 'resendEvent',
  'POST /v1/keys': 'createApiKey',
  'GET /v1/keys': 'listApiKeys',
  'GET /v1/keys/self': 'getCallingKey',
  'DELETE /v1/keys/:id': 'revokeApiKey',
  'GET /healthz': 'getHealth',
  'GET /readyz': 'getReadiness',
  'GET /metrics': 'getMetrics',
  'GET /openapi.json': 'getOpenApiDocument',
};

/** The operationId of a route: from the table, else camelCase of its method and path. */
export function operationIdOf(method: string, url: string): string {
  const known = OPERATION_IDS[`${method} ${url}`];
  if (known) return known;
  const words = `${method} ${url}`
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
}

/** Where `callhook serve` listens by default; GET /openapi.json names the server it came from. */
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8080';

const toJsonSchema = createJsonSchemaTransform({});
const toComponents = createJsonSchemaTransformObject({});

/** The options of @fastify/swagger for the callhook API. */
export function openApiOptions(version: string): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'callhook',
        version,
        description: 'Call events for bots: the control API, the event log and its stream.',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [{ url: DEFAULT_SERVER_URL, description: 'callhook serve, default address' }],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    },
    transform: (input) => {
      const out = toJsonSchema(input);
      const method = [input.route.method].flat()[0] ?? 'GET';
      const schema = out.schema as { operationId?: string; hide?: boolean };
      if (!schema?.hide) schema.operationId ??= operationIdOf(String(method), input.url);
      return out;
    },
    transformObject: (input) =>
      withoutUnusedSchemas(toComponents(input) as OpenApiObject) as ReturnType<typeof toComponents>,
  };
}

type OpenApiObject = { components?: { schemas?: Record<string, unknown> } };

// Each named schema is also written in its request ("…Input") form, and an app built without
// some routes (the keys routes need a key service) uses only some of the names: a schema no
// route refers to is dropped, to keep generated clients free of unused types.
function withoutUnusedSchemas(document: OpenApiObject): OpenApiObject {
  const schemas = document.components?.schemas as Record<string, Record<string, unknown>>;
  if (!schemas) return document;
  // zod writes each as a standalone JSON Schema; inside the document they are plain schemas.
  for (const schema of Object.values(schemas)) {
    delete schema.$id;
    delete schema.$schema;
  }
  for (let removed = true; removed; ) {
    removed = false;
    for (const id of Object.keys(schemas)) {
      const { [id]: _own, ...others } = schemas;
      const elsewhere = JSON.stringify({ ...document, components: { schemas: others } });
      if (!elsewhere.includes(`"#/components/schemas/${id}"`)) {
        delete schemas[id];
        removed = true;
      }
    }
  }
  return document;
}
