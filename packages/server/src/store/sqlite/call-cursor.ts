import { CallhookError } from '../../errors.ts';

// The opaque cursor of a page of calls: the sort key (created_at, call_id) of the last row
// returned, as base64url JSON. Keyset pagination, so pages stay consistent while calls are
// being created: no duplicates, no gaps.

export interface CallSortKey {
  createdAt: number;
  callId: string;
}

export function encodeCallCursor(key: CallSortKey): string {
  return Buffer.from(JSON.stringify([key.createdAt, key.callId])).toString('base64url');
}

export function decodeCallCursor(cursor: string): CallSortKey {
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
    return { createdAt: parsed[0] as number, callId: parsed[1] };
  }
  throw new CallhookError(
    'validation_error',
    'cursor is malformed: pass the nextCursor of a previous page unchanged',
    { cursor },
  );
}
