import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { CallhookError } from '../errors.ts';

// Every failure leaves the API as `{"error": {"code", "message", "details"?}}` with a code of
// docs/contract.md §3 — schema failures, fastify's own errors, CallhookError, and the unexpected.

/** One rejected field: where (`in` body/querystring/params/headers, `path` like `threadId`). */
export interface FieldIssue {
  in: string;
  path: string;
  message: string;
}

/** Fastify's own error codes that mean "the request is malformed", and what to tell the client. */
const CLIENT_ERRORS: Record<
  string,
  { code: 'validation_error' | 'payload_too_large'; message?: string }
> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large' },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: 'validation_error',
    message: 'the body is not valid JSON',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'validation_error',
    message: 'unsupported content-type: send application/json',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'validation_error',
    message: 'content-length does not match the body',
  },
};

export function sendError(reply: FastifyReply, error: CallhookError): FastifyReply {
  const body = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details !== undefined && { details: error.details }),
    },
  };
  if (error.code === 'unauthorized') reply.header('www-authenticate', 'Bearer');
  // An error that knows when to come back (StoreUnavailableError: a full disk) says so.
  const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  return reply.code(error.status).type('application/json; charset=utf-8').send(body);
}

/** The CallhookError a thrown value stands for, or null when it is a bug (answered 500). */
export function toCallhookError(error: unknown): CallhookError | null {
  if (error instanceof CallhookError) return error.code === 'internal' ? null : error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as { validationContext?: string }).validationContext ?? 'request';
    const details: FieldIssue[] = error.validation.flatMap((v) => {
      const path = v.instancePath.split('/').filter(Boolean);
      // An unknown field is named by its own path, not by the object that holds it.
      const unknown = v.keyword === 'unrecognized_keys' ? (v.params.keys as string[]) : [];
      if (unknown.length > 0) {
        return unknown.map((key) => ({
          in: where,
          path: [...path, key].join('.'),
          message: 'unknown field',
        }));
      }
      return [{ in: where, path: path.join('.') || '(root)', message: v.message ?? 'invalid' }];
    });
    const summary = details.map((d) => `${d.path}: ${d.message}`).join('; ');
    return new CallhookError('validation_error', `invalid ${where}: ${summary}`, details);
  }
  const fastifyError = error as Partial<FastifyError>;
  const known = fastifyError.code ? CLIENT_ERRORS[fastifyError.code] : undefined;
  if (known) return new CallhookError(known.code, known.message ?? fastifyError.message ?? '');
  // Any other 4xx fastify raises (empty body, bad header …) is the client's to fix.
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return new CallhookError(
      status === 404 ? 'not_found' : status === 413 ? 'payload_too_large' : 'validation_error',
      fastifyError.message ?? 'bad request',
    );
  }
  return null;
}

/**
 * Errors the router raises before any route runs (a malformed URL, a path parameter longer
 * than the router takes): answered in the same envelope, never in fastify's default body.
 */
export function frameworkErrors(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
) {
  sendError(reply, toCallhookError(error) ?? new CallhookError('validation_error', error.message));
}

export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const known = toCallhookError(error);
    if (known) return sendError(reply, known);
    // A bug or an outage: log it with its stack, tell the client nothing internal.
    request.log.error({ err: error }, 'unexpected error');
    return sendError(
      reply,
      new CallhookError('internal', 'internal error; the request may be retried', {
        requestId: request.id,
      }),
    );
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new CallhookError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
}
