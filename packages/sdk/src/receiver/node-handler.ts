import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Receiver } from './create-receiver.ts';
import type { RawBody } from './read-body.ts';
import { errorResult, type ReceiveResult } from './receive-result.ts';
import { RawBodyUnavailableError } from './receiver-errors.ts';

/** A node:http request listener that is also Express middleware (`next` is optional). */
export type NodeHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => Promise<void>;

type MaybeParsedRequest = IncomingMessage & { rawBody?: unknown; body?: unknown };

/**
 * The signed bytes of a request: `req.rawBody` if a framework kept them, `req.body` if a raw
 * or text body parser produced bytes, else the still-unread stream. Undefined when a JSON
 * body parser already consumed the stream: re-serialising its object would not give back the
 * signed bytes.
 */
function rawBodyOf(req: MaybeParsedRequest): RawBody | undefined {
  if (typeof req.rawBody === 'string' || req.rawBody instanceof Uint8Array) return req.rawBody;
  if (typeof req.body === 'string' || req.body instanceof Uint8Array) return req.body;
  if (req.readableEnded) return undefined;
  // Stopping early (body too large) must leave the socket open for the 413 answer.
  return req.iterator({ destroyOnReturn: false });
}

function send(res: ServerResponse, result: ReceiveResult): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(result.status, result.headers);
  res.end(result.body);
}

/**
 * Adapts a receiver to `(req, res, next?)`. Works with `http.createServer(handler)` and as
 * Express middleware, `app.post('/webhooks', handler)`. Signatures cover the raw bytes, so
 * mount it before `express.json()` (or use `express.raw({ type: 'application/json' })`, or
 * set `req.rawBody`); if a JSON parser got there first, Express's `next` receives a
 * `RawBodyUnavailableError` (plain node answers 500 with that message).
 */
export function toNodeHandler(receiver: Pick<Receiver, 'receive'>): NodeHandler {
  return async (req, res, next) => {
    if (req.method !== 'POST') {
      if (next) return next();
      return send(res, errorResult(405, 'method_not_allowed', 'POST only', { allow: 'POST' }));
    }
    const rawBody = rawBodyOf(req);
    if (rawBody === undefined) {
      const error = new RawBodyUnavailableError();
      if (next) return next(error);
      return send(res, errorResult(500, error.code, error.message));
    }
    try {
      send(res, await receiver.receive({ rawBody, headers: req.headers }));
    } catch (error) {
      if (next) return next(error);
      send(res, errorResult(500, 'internal_error', 'the webhook receiver failed'));
    }
  };
}
