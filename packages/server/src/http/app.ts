import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { Registry } from 'prom-client';
import type { Clock } from '../clock.ts';
import type { CallService } from '../service/call-service.ts';
import type { EndpointService } from '../service/endpoint-service.ts';
import type { ChangeFeed } from '../store/change-feed.ts';
import type { CallStore } from '../store/port.ts';
import { registerBearerAuth, type TokenVerifier } from './bearer-auth.ts';
import { frameworkErrors, registerErrorHandlers } from './error-handler.ts';
import { createApiMetrics } from './metrics.ts';
import { callCommandRoutes } from './routes/call-commands.ts';
import { callRoutes } from './routes/calls.ts';
import { deliveryRoutes } from './routes/deliveries.ts';
import { endpointRoutes } from './routes/endpoints.ts';
import { eventStreamRoutes } from './routes/event-stream.ts';
import { eventRoutes } from './routes/events.ts';
import { operationRoutes } from './routes/operations.ts';

export interface AppOptions {
  service: CallService;
  store: CallStore;
  /** The store's change feed: wakes SSE streams when events are appended (on any node). */
  changes: ChangeFeed;
  clock: Clock;
  auth: TokenVerifier;
  /** Reported in the OpenAPI document. */
  version: string;
  logger?: FastifyServerOptions['logger'];
  /** Largest accepted request body. Default 64 KiB. */
  bodyLimitBytes?: number;
  /** Interval of SSE `: ping` comments. Default 15 s. */
  heartbeatMs?: number;
  /** Where metrics are registered. Default: a new registry per app. */
  metricsRegistry?: Registry;
  /** Webhook endpoints and deliveries; their routes are served only when given. */
  endpoints?: EndpointService;
}

export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;
export const DEFAULT_HEARTBEAT_MS = 15_000;

/**
 * The HTTP API (CONTRACT.md §3) as a fastify instance, not yet listening. More plugins
 * (e.g. webhook endpoints) may be registered on it before `listen`/`ready`; they inherit
 * the auth hook, the error envelope and the zod type provider.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    // Long enough for any id the schemas accept (128), so that a too-long one reaches
    // validation and is named there; longer still is a router error, in the same envelope.
    routerOptions: { maxParamLength: 512 },
    frameworkErrors,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler<ZodRouteSchema>((route) =>
    isCallView(route) ? stringifyCallView : serializerCompiler(route),
  );
  acceptEmptyJsonBody(app);
  registerErrorHandlers(app);
  registerBearerAuth(app, options.auth);

  const metrics = createApiMetrics({
    registry: options.metricsRegistry ?? new Registry(),
    store: options.store,
    bus: options.service.bus,
  });
  app.addHook('onClose', async () => metrics.close());

  // Registered before the routes: it collects them as they are added.
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'callhook',
        version: options.version,
        description: 'Call events for bots: the control API, the event log and its stream.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  const deps = { service: options.service, store: options.store, metrics };
  await app.register(callRoutes, deps);
  await app.register(callCommandRoutes, deps);
  await app.register(eventRoutes, deps);
  await app.register(eventStreamRoutes, {
    ...deps,
    changes: options.changes,
    clock: options.clock,
    heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
  });
  await app.register(operationRoutes, deps);
  if (options.endpoints) {
    await app.register(endpointRoutes, { endpoints: options.endpoints });
    await app.register(deliveryRoutes, { endpoints: options.endpoints });
  }
  return app;
}

/**
 * Successful answers of the call routes are views that `callView` builds field by field, so
 * checking them against their schema again (zod, on every command) only costs: ~4 % of the
 * server's busy time under command load. Every other answer is still checked and stripped.
 */
type ZodRouteSchema = Parameters<typeof serializerCompiler>[0]['schema'];

function isCallView(route: { url: string; httpStatus?: string }): boolean {
  return route.url.startsWith('/v1/calls') && /^2/.test(route.httpStatus ?? '');
}

function stringifyCallView(data: unknown): string {
  return JSON.stringify(data);
}

/**
 * Commands without a body (join, end …) are often sent with `content-type: application/json`
 * and nothing after it; read that as "no body" instead of fastify's empty-JSON 400.
 */
function acceptEmptyJsonBody(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') done(null, undefined);
    else parseJson(request, body as string, done);
  });
}
