import type { CallState, EngineEvent } from '../engine/call-state.ts';
import { CallhookError } from '../errors.ts';
import type { DueClaim, Page } from './delivery-port.ts';
import { encodePageCursor } from './page-cursor.ts';

// What every adapter checks of its callers in the same words, and the keyset page both build:
// the port's rules, once, so that two adapters cannot answer the same bad call differently.

/** A lease without an owner could be freed by no one but its expiry. */
export function checkOwner(owner: string): void {
  if (typeof owner !== 'string' || owner === '') {
    throw new RangeError(`a lease owner must be a non-empty string, got ${String(owner)}`);
  }
}

export function checkClaim(now: number, claim: DueClaim): void {
  checkOwner(claim.owner);
  const { limit, leaseUntil, perEndpoint } = claim;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`claimDue: limit must be a positive integer, got ${limit}`);
  }
  if (!(leaseUntil > now)) {
    throw new RangeError(`claimDue: leaseUntil (${leaseUntil}) must be after now (${now})`);
  }
  if (perEndpoint && (!Number.isSafeInteger(perEndpoint.limit) || perEndpoint.limit < 1)) {
    throw new RangeError(
      `claimDue: perEndpoint.limit must be a positive integer, got ${perEndpoint.limit}`,
    );
  }
}

/** A page size from 1 to `max`, else `validation_error`. */
export function checkPageLimit(limit: number, max: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new CallhookError('validation_error', `limit must be an integer from 1 to ${max}`, {
      limit,
    });
  }
}

/**
 * A page from `limit + 1` rows read newest first: the extra row only tells whether there is a
 * next page, whose cursor is the last returned row's (created_at, id).
 */
export function pageOf<R extends { created_at: number; id: string }, T>(
  rows: readonly R[],
  limit: number,
  map: (row: R) => T,
): Page<T> {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(map),
    nextCursor:
      rows.length > limit && last
        ? encodePageCursor({ createdAt: last.created_at, id: last.id })
        : null,
  };
}

/** A command's outcome must be about its own call (a bug in the caller otherwise). */
export function checkCommandOutcome(
  callId: string,
  outcome: { state?: CallState; events: readonly EngineEvent[] },
  fail: (message: string) => Error,
): void {
  if (outcome.state && outcome.state.callId !== callId) {
    throw fail(`command on call ${callId} returned the state of call ${outcome.state.callId}`);
  }
  const stray = outcome.events.find((e) => e.callId !== callId);
  if (stray)
    throw fail(`command on call ${callId} returned event ${stray.id} of call ${stray.callId}`);
}

/** An event query's cursor and page size (`validation_error` otherwise); returns the cursor. */
export function checkEventQuery(query: { after?: number; limit: number }): number {
  const after = query.after ?? 0;
  if (!Number.isSafeInteger(after) || after < 0) {
    throw new CallhookError('validation_error', 'after must be a non-negative integer', {
      after,
    });
  }
  if (!Number.isSafeInteger(query.limit) || query.limit < 1) {
    throw new CallhookError('validation_error', 'limit must be a positive integer', {
      limit: query.limit,
    });
  }
  return after;
}
