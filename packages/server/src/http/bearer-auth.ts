import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CallhookError } from '../errors.ts';
import { sendError } from './error-handler.ts';

/** Checks a presented API key; the implementation must compare in constant time. */
export interface TokenVerifier {
  verify(token: string): boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Serve this route without `Authorization` (health checks only). */
    public?: boolean;
  }
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/**
 * `Authorization: Bearer <key>` on every route — unknown ones too, so that the route table
 * is not probed anonymously — except those marked `config: { public: true }`.
 */
export function registerBearerAuth(app: FastifyInstance, verifier: TokenVerifier): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.routeOptions.config.public === true) return;
    const header = request.headers.authorization;
    const token = header ? BEARER.exec(header)?.[1] : undefined;
    if (token !== undefined && verifier.verify(token)) return;
    const message = header
      ? 'the API key is not valid'
      : 'missing Authorization header: send "Authorization: Bearer <api key>"';
    return sendError(reply, new CallhookError('unauthorized', message));
  });
}
