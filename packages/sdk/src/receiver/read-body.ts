import { getHeader, type HeadersInput } from '../signing/header-lookup.ts';

/** A request body: already in memory, or a stream of chunks still to be read. */
export type RawBody = string | Uint8Array | AsyncIterable<Uint8Array | string>;

export type BodyReadOutcome =
  | { kind: 'ok'; body: string | Uint8Array }
  | { kind: 'too_large' }
  | { kind: 'unreadable'; error: unknown };

function byteLength(body: string | Uint8Array): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}

/**
 * Reads a body, stopping as soon as it passes `limit` bytes so an oversized request costs at
 * most `limit` of memory. A `content-length` over the limit is refused before reading.
 */
export async function readBody(
  raw: RawBody,
  headers: HeadersInput,
  limit: number,
): Promise<BodyReadOutcome> {
  const declared = Number(getHeader(headers, 'content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) return { kind: 'too_large' };
  if (typeof raw === 'string' || raw instanceof Uint8Array) {
    return byteLength(raw) > limit ? { kind: 'too_large' } : { kind: 'ok', body: raw };
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of raw) {
      const bytes =
        typeof chunk === 'string'
          ? Buffer.from(chunk)
          : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      total += bytes.length;
      if (total > limit) return { kind: 'too_large' };
      chunks.push(bytes);
    }
  } catch (error) {
    return { kind: 'unreadable', error };
  }
  return { kind: 'ok', body: Buffer.concat(chunks) };
}
