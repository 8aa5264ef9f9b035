import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../auth/key-service.ts';
import { allows, BOOTSTRAP_KEY_ID, type Principal } from '../auth/principal.ts';
import type { RateLimiter } from '../auth/rate-limiter.ts';
import { scopesOfRoute } from '../auth/route-scopes.ts';
import { CallhookError } from '../errors.ts';
import { sendError } from './error-handler.ts';
import { streamTokenPrincipal, streamTokenProblem } from './stream-token.ts';

/** Checks a presented API key; the implementation must compare in constant time. */
export interface TokenVerifier {
  verify(token: string): boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Serve this route without `Authorization` (health checks only). */
    public?: boolean;
  }
  interface FastifyRequest {
    /** The key that made the request; null on public routes. */
    principal: Principal | null;
  }
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/** A plain verifier (one admin key, as in tests) seen as an authenticator. */
function authenticatorOf(auth: TokenVerifier | Authenticator): Authenticator {
  if ('authenticate' in auth) return auth;
  const admin: Principal = {
    keyId: BOOTSTRAP_KEY_ID,
    name: 'admin key',
    scopes: ['admin'],
    rateLimitPerSecond: null,
  };
  return { authenticate: async (token) => (auth.verify(token) ? admin : undefined) };
}

/**
 * `Authorization: Bearer <key>` on every route — unknown ones too, so that the route table
 * is not probed anonymously — except those marked `config: { public: true }`. Then the key
 * must hold a scope that opens the route (auth/route-scopes.ts; 403 forbidden naming it), and
 * be within its rate limit (429 rate_limited with Retry-After).
 */
export function registerBearerAuth(
  app: FastifyInstance,
  auth: TokenVerifier | Authenticator,
  limiter?: RateLimiter,
): void {
  const authenticator = authenticatorOf(auth);
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.routeOptions.config.public === true) return;
    const header = request.headers.authorization;
    const token = header ? BEARER.exec(header)?.[1] : undefined;
    const principal =
      streamTokenPrincipal(request) ??
      (token === undefined ? undefined : await authenticator.authenticate(token));
    if (!principal) {
      const message = header
        ? 'the API key is not valid'
        : (streamTokenProblem(request) ??
          'missing Authorization header: send "Authorization: Bearer <api key>"');
      return sendError(reply, new CallhookError('unauthorized', message));
    }
    request.principal = principal;
    const route = request.routeOptions.url;
    if (route !== undefined) {
      const needed = scopesOfRoute(request.method, route);
      if (!allows(principal, needed)) {
        return sendError(
          reply,
          new CallhookError(
            'forbidden',
            `this API key (${principal.keyId}) lacks the scope ${needed.join(' or ')} that ${request.method} ${route} needs`,
            { requiredScopes: needed, keyScopes: principal.scopes },
          ),
        );
      }
    }
    const decision = limiter?.take(principal.keyId, principal.rateLimitPerSecond);
    if (decision && !decision.ok) {
      reply.header('retry-after', String(decision.retryAfterSeconds));
      return sendError(
        reply,
        new CallhookError(
          'rate_limited',
          `this API key is limited to ${principal.rateLimitPerSecond} requests per second; retry after ${decision.retryAfterSeconds} s`,
          { retryAfterSeconds: decision.retryAfterSeconds },
        ),
      );
    }
  });
}
