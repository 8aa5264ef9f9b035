import type pg from 'pg';

// Transaction-level advisory locks (released at COMMIT or ROLLBACK), named by text and
// hashed by PostgreSQL. They serialise what several nodes would otherwise race on:
//
//   call:<id>, idem:<scope> <key>  a command on a call, a use of an idempotency key
//   append                         appending events; endpoint writes; retry and replay
//   endpoint:<id>                  an endpoint's lanes as a whole (outcomes, retry, replay, writes)
//   lane:<endpoint> <call>         one lane (outbox inserts, outcomes)
//
// Every transaction takes them in that order, each group sorted, so that no two wait on each
// other in a cycle. A group may share a statement with the next when the names sort in the
// right order (`endpoint:` < `lane:`); `append` always has a statement of its own.
// `append` held until commit is what makes event positions — taken from a sequence inside it —
// become visible in the order they were taken: the event cursor never skips an event that
// commits late.

export const APPEND_LOCK = 'append';

export function callLock(callId: string): string {
  return `call:${callId}`;
}

export function idempotencyLock(scope: string, key: string): string {
  return `idem:${scope}\u001f${key}`;
}

export function endpointLock(endpointId: string): string {
  return `endpoint:${endpointId}`;
}

export function laneLock(endpointId: string, callId: string): string {
  return `lane:${endpointId}\u001f${callId}`;
}

/** Takes the named locks, distinct and in sorted order (waits for each). */
export async function lock(client: pg.ClientBase, names: Iterable<string>): Promise<void> {
  const sorted = [...new Set(names)].sort();
  if (sorted.length === 0) return;
  await client.query({
    name: 'lock-1',
    text: 'SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1::text[]) AS k',
    values: [sorted],
  });
}
