import { CallhookError } from '../errors.ts';

// The opaque cursor of a page of calls, endpoints or deliveries: the sort key (created_at, id) of
// the last row returned, as base64url JSON. Keyset pagination, newest first, so pages stay
// consistent while rows are being added.

export interface PageKey {
  createdAt: number;
  id: string;
}

/** Above every real key: where a listing without a cursor starts. */
export const FIRST_PAGE_KEY: PageKey = { createdAt: Number.MAX_SAFE_INTEGER, id: '' };

export function encodePageCursor(key: PageKey): string {
  return Buffer.from(JSON.stringify([key.createdAt, key.id])).toString('base64url');
}

export function decodePageCursor(cursor: string | undefined): PageKey {
  if (cursor === undefined) return FIRST_PAGE_KEY;
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 2 &&
    Number.isSafeInteger(parsed[0]) &&
    typeof parsed[1] === 'string'
  ) {
    return { createdAt: parsed[0] as number, id: parsed[1] };
  }
  throw new CallhookError(
    'validation_error',
    'cursor is malformed: pass the nextCursor of a previous page unchanged',
    { cursor },
  );
}
