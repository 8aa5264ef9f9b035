import type { Receiver } from './create-receiver.ts';
import { errorResult, type ReceiveResult } from './receive-result.ts';
import { BodyAlreadyReadError } from './receiver-errors.ts';

export type WebHandler = (request: Request) => Promise<Response>;

// Chunk by chunk, so the receiver can stop at its size cap; stopping cancels the stream.
async function* chunksOf(request: Request): AsyncGenerator<Uint8Array> {
  if (request.body === null) return;
  const reader = request.body.getReader();
  let done = false;
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) {
        done = true;
        return;
      }
      yield chunk.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => {});
  }
}

function toResponse(result: ReceiveResult): Response {
  return new Response(result.body ?? null, {
    status: result.status,
    ...(result.headers === undefined ? {} : { headers: result.headers }),
  });
}

/**
 * Adapts a receiver to `(request: Request) => Promise<Response>`: Deno, Bun, Cloudflare
 * Workers, Next.js route handlers, Hono and other fetch-style servers.
 */
export function toWebHandler(receiver: Pick<Receiver, 'receive'>): WebHandler {
  return async (request) => {
    if (request.method !== 'POST') {
      return toResponse(errorResult(405, 'method_not_allowed', 'POST only', { allow: 'POST' }));
    }
    if (request.bodyUsed) {
      const error = new BodyAlreadyReadError();
      return toResponse(errorResult(500, error.code, error.message));
    }
    return toResponse(
      await receiver.receive({ rawBody: chunksOf(request), headers: request.headers }),
    );
  };
}
