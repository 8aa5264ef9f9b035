import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { Registry } from 'prom-client';
import type { Authenticator, KeyService } from '../auth/key-service.ts';
import { RateLimiter } from '../auth/rate-limiter.ts';
import type { Clock } from '../clock.ts';
import type { CallService } from '../service/call-service.ts';
import type { EndpointService } from '../service/endpoint-service.ts';
import type { ChangeFeed } from '../store/change-feed.ts';
import type { CallStore } from '../store/port.ts';
import type { QuarantineStore } from '../store/quarantine-port.ts';
import type { SipDirectory } from '../store/sip-port.ts';
import { registerBearerAuth, type TokenVerifier } from './bearer-auth.ts';
import { clientErrorHandler } from './client-errors.ts';
import { type ConsoleRouteOptions, consoleRoutes } from './console/console-route.ts';
import { frameworkErrors, registerErrorHandlers } from './error-handler.ts';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from './http-limits.ts';
import { createApiMetrics } from './metrics.ts';
import { openApiOptions } from './openapi-document.ts';
import { registerRequestHeaderChecks } from './request-header-checks.ts';
import { callCommandRoutes } from './routes/call-commands.ts';
import { callRoutes } from './routes/calls.ts';
import { deliveryRoutes } from './routes/deliveries.ts';
import { endpointRoutes } from './routes/endpoints.ts';
import { eventStreamRoutes } from './routes/event-stream.ts';
import { eventRoutes } from './routes/events.ts';
import { keyRoutes } from './routes/keys.ts';
import { operationRoutes } from './routes/operations.ts';
import { sipRoomRoutes } from './routes/sip-rooms.ts';
import { sipUserRoutes } from './routes/sip-users.ts';
import { registerStreamTokens, StreamTokens } from './stream-token.ts';

export interface AppOptions {
  service: CallService;
  store: CallStore;
  /** The store's change feed: wakes SSE streams when events are appended (on any node). */
  changes: ChangeFeed;
  clock: Clock;
  /** Who may call: one admin key (a verifier), or scoped keys (`KeyService`). */
  auth: TokenVerifier | Authenticator;
  /** Scoped API keys; their routes (`/v1/keys`) are served only when given. */
  keys?: KeyService;
  /** Connection, timeout and stream bounds; each defaults to `DEFAULT_HTTP_LIMITS`. */
  limits?: Partial<HttpLimits>;
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
  /** SIP rooms and users; their routes (`/v1/sip/…`) are served only when given (`serve --sip`). */
  sipRooms?: SipDirectory;
  /** Rows set aside as unreadable, and the integrity check at open: shown by /readyz. */
  quarantine?: QuarantineStore;
  /** The web console's built files, served under /console/; not served when absent. */
  console?: ConsoleRouteOptions;
}

export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;
export const DEFAULT_HEARTBEAT_MS = 15_000;

/**
 * The HTTP API (docs/contract.md §3) as a fastify instance, not yet listening. More plugins
 * (e.g. webhook endpoints) may be registered on it before `listen`/`ready`; they inherit
 * the auth hook, the error envelope and the zod type provider.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    // Long enough for any id the schemas accept (128), so that a too-long one reaches
    // validation and is named there; longer still is a router error, in the same envelope.
    routerOptions: { maxParamLength: 512 },
    frameworkErrors,
    clientErrorHandler,
    // Checked every second, so that a slow sender is cut off near its deadline.
    http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: 1_000 },
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.socketIdleTimeoutMs,
  });
  app.server.maxConnections = limits.maxConnections;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler<ZodRouteSchema>((route) =>
    isCallView(route) ? stringifyCallView : serializerCompiler(route),
  );
  acceptEmptyJsonBody(app);
  registerErrorHandlers(app);
  registerRequestHeaderChecks(app);
  registerBearerAuth(app, options.auth, new RateLimiter(options.clock));
  registerStreamTokens(app, new StreamTokens(options.clock));

  const metrics = createApiMetrics({
    registry: options.metricsRegistry ?? new Registry(),
    store: options.store,
    bus: options.service.bus,
  });
  app.addHook('onClose', async () => metrics.close());

  // Registered before the routes: it collects them as they are added.
  await app.register(swagger, openApiOptions(options.version));

  const deps = { service: options.service, store: options.store, metrics };
  await app.register(callRoutes, deps);
  await app.register(callCommandRoutes, deps);
  await app.register(eventRoutes, deps);
  await app.register(eventStreamRoutes, {
    ...deps,
    changes: options.changes,
    clock: options.clock,
    heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    maxStreamsPerKey: limits.maxStreamsPerKey,
  });
  await app.register(operationRoutes, {
    ...deps,
    ...(options.quarantine && { quarantine: options.quarantine }),
  });
  if (options.endpoints) {
    await app.register(endpointRoutes, { endpoints: options.endpoints });
    await app.register(deliveryRoutes, { endpoints: options.endpoints });
  }
  if (options.keys) await app.register(keyRoutes, { keys: options.keys });
  if (options.sipRooms) {
    await app.register(sipRoomRoutes, { rooms: options.sipRooms, clock: options.clock });
    await app.register(sipUserRoutes, { directory: options.sipRooms, clock: options.clock });
  }
  if (options.console) await app.register(consoleRoutes, options.console);
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
