import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CallhookError } from '../errors.ts';
import { sendError } from './error-handler.ts';

// Headers that must come once: Node keeps the first Authorization and joins two
// Idempotency-Keys into "a1, b2", so a request carrying two would be read as one it is not.
// And bodies are read as sent: a Content-Encoding other than identity is refused (415), never
// parsed as if it were plain JSON. Checked before authentication, on every route.

const SINGLE = [
  'authorization',
  'idempotency-key',
  'content-type',
  'content-encoding',
  'content-length',
  'last-event-id',
  'host',
];

export function registerRequestHeaderChecks(app: FastifyInstance): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = request.raw.rawHeaders;
    const seen = new Set<string>();
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!.toLowerCase();
      if (!SINGLE.includes(name)) continue;
      if (seen.has(name)) {
        return sendError(
          reply,
          new CallhookError(
            'validation_error',
            `the ${name} header appears more than once; send it once`,
            [{ in: 'headers', path: name, message: 'appears more than once' }],
          ),
        );
      }
      seen.add(name);
    }
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      return sendError(
        reply,
        new CallhookError(
          'unsupported_media_type',
          `Content-Encoding ${encoding} is not supported: send the body uncompressed`,
          [{ in: 'headers', path: 'content-encoding', message: 'only identity is supported' }],
        ),
      );
    }
  });
}
