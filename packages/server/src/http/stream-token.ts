import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';

// Short-lived tokens for the event stream, for clients that cannot send an Authorization
// header (a browser's EventSource): `POST /v1/events/stream-token` with the API key gives one,
// and `GET /v1/events/stream?access_token=…` takes it instead of the header. A token only
// reads events (scope events:read, whatever the key's scopes), for a few minutes; it is signed
// with a key of this server process, so it is good on the node that issued it.

export const STREAM_TOKEN_PREFIX = 'cst_';
export const DEFAULT_STREAM_TOKEN_TTL_MS = 5 * 60_000;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route also takes `?access_token=<stream token>` instead of Authorization. */
    streamToken?: boolean;
  }
  interface FastifyInstance {
    streamTokens: StreamTokens;
  }
}

interface TokenClaims {
  /** The key that asked for the token. */
  k: string;
  /** Its name, for logs. */
  n: string;
  /** Expiry, ms since the epoch. */
  e: number;
}

export class StreamTokens {
  readonly #key: Buffer;
  readonly #clock: Clock;
  readonly ttlMs: number;

  constructor(clock: Clock, options: { key?: Uint8Array; ttlMs?: number } = {}) {
    this.#clock = clock;
    this.#key = Buffer.from(options.key ?? randomBytes(32));
    this.ttlMs = options.ttlMs ?? DEFAULT_STREAM_TOKEN_TTL_MS;
  }

  /** A token for `principal`'s stream, and when it stops working. */
  issue(principal: Principal): { token: string; expiresAt: number } {
    const expiresAt = this.#clock.now() + this.ttlMs;
    const claims: TokenClaims = { k: principal.keyId, n: principal.name, e: expiresAt };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return { token: `${STREAM_TOKEN_PREFIX}${body}.${this.#sign(body)}`, expiresAt };
  }

  /** The principal a valid, unexpired token stands for (events:read only), else undefined. */
  verify(token: string): Principal | undefined {
    if (!token.startsWith(STREAM_TOKEN_PREFIX)) return undefined;
    const [body, signature, extra] = token.slice(STREAM_TOKEN_PREFIX.length).split('.');
    if (body === undefined || signature === undefined || extra !== undefined) return undefined;
    const expected = Buffer.from(this.#sign(body));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return undefined;
    }
    if (!(typeof claims.e === 'number' && claims.e > this.#clock.now())) return undefined;
    return {
      keyId: claims.k,
      name: `${claims.n} (stream token)`,
      scopes: ['events:read'],
      rateLimitPerSecond: null,
    };
  }

  #sign(body: string): string {
    return createHmac('sha256', this.#key).update(body).digest('base64url');
  }
}

/**
 * The auth hook's one question for stream tokens: on a route that takes them, with no
 * Authorization header, the principal of `?access_token=` (undefined if none or not valid).
 */
export function streamTokenPrincipal(request: FastifyRequest): Principal | undefined {
  if (request.routeOptions.config.streamToken !== true) return undefined;
  if (request.headers.authorization !== undefined) return undefined;
  const token = (request.query as { access_token?: unknown } | undefined)?.access_token;
  return typeof token === 'string' ? request.server.streamTokens?.verify(token) : undefined;
}

/** Why a stream-token request was refused, when it brought one; undefined otherwise. */
export function streamTokenProblem(request: FastifyRequest): string | undefined {
  if (request.routeOptions.config.streamToken !== true) return undefined;
  const token = (request.query as { access_token?: unknown } | undefined)?.access_token;
  if (token === undefined) return undefined;
  return 'the stream token (access_token) is not valid or has expired: get a new one from POST /v1/events/stream-token';
}

/** Makes `app.streamTokens` available to the auth hook and the routes. */
export function registerStreamTokens(app: FastifyInstance, tokens: StreamTokens): void {
  app.decorate('streamTokens', tokens);
}
