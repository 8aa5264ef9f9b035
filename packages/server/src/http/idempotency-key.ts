import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { IdempotencyInput } from '../service/call-service.ts';

/**
 * The idempotency of a request carrying `Idempotency-Key` (undefined without one).
 * The key is scoped to the route and the call, so the same key on another route or call is
 * independent; the hash covers method, route, params and body, so reusing a key for a
 * different request is told apart from a retry (409 conflict).
 */
export function idempotencyOf(
  request: FastifyRequest,
  callId?: string,
): IdempotencyInput | undefined {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string') return undefined;
  const route = `${request.method} ${request.routeOptions.url ?? request.url}`;
  const requestHash = createHash('sha256')
    .update(canonicalJson([route, request.params ?? {}, request.body ?? null]))
    .digest('hex');
  return { scope: callId === undefined ? route : `${route} ${callId}`, key, requestHash };
}

/** JSON with object keys sorted at every level: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return Object.fromEntries(entries);
  });
}
