import type pg from 'pg';

// Transaction-level advisory locks (released at COMMIT or ROLLBACK), named by text and
// hashed by PostgreSQL. They serialise what several nodes would otherwise race on:
//
//   call:<id>, idem:<scope> <key>  a command on a call, a use of an idempotency key
//   append                         appending events; endpoint writes; retry and replay
//   endpoint:<id>                  an endpoint's lanes as a whole: shared by outcomes, exclusive
//                                  for retry, replay, resend, endpoint writes and outcomes that
//                                  change the endpoint (failing, disabled)
//   lane:<endpoint> <call>         one lane (outbox inserts, outcomes)
//
// Every transaction takes them in that order, each group sorted, so that no two wait on each
// other in a cycle. A group may share a statement with the next when the names sort in the
// right order (`endpoint:` < `lane:`); `append` always has a statement of its own.
// `append` held until commit is what makes event positions — taken from a sequence inside it —
// become visible in the order they were taken: the event cursor never skips an event that
// commits late. The group commit's functions (pg-migrations.ts v7) take `append`, call, key
// and lane locks by these same names, in this same order.

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

/**
 * Takes the named locks, distinct and in sorted order (waits for each); those also named in
 * `shared` in shared mode — they exclude only holders of the same lock in exclusive mode. An
 * endpoint's lock is shared by outcomes, which each change their own lanes only (held under
 * their lane locks), and exclusive for whatever changes the endpoint or its lanes as a whole:
 * nodes settling different lanes of one endpoint then never wait on each other. A transaction
 * never takes a lock it holds shared again exclusively (that could deadlock two of them).
 */
export async function lock(
  client: pg.ClientBase,
  names: Iterable<string>,
  shared: ReadonlySet<string> = NONE,
): Promise<void> {
  const sorted = [...new Set(names)].sort();
  if (sorted.length === 0) return;
  if (!sorted.some((name) => shared.has(name))) {
    await client.query({
      name: 'lock-1',
      text: 'SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1::text[]) AS k',
      values: [sorted],
    });
    return;
  }
  await client.query({
    name: 'lock-2',
    text: `SELECT CASE WHEN s THEN pg_advisory_xact_lock_shared(hashtextextended(k, 0))
       ELSE pg_advisory_xact_lock(hashtextextended(k, 0)) END
     FROM unnest($1::text[], $2::boolean[]) AS t(k, s)`,
    values: [sorted, sorted.map((name) => shared.has(name))],
  });
}

const NONE: ReadonlySet<string> = new Set();
