import type { ApiClient, CallFilters } from '../api/api-client.ts';
import type { CallView } from '../api/views.ts';

/** Which calls the list shows: active ones then ended ones (the default), or one state. */
export type StateChoice = 'active-first' | 'active' | 'ended';

export interface ListFilters {
  state: StateChoice;
  streamId: string;
  threadId: string;
}

/** Where a page starts: the API's own cursor, within one state when listing active first. */
export interface PageStart {
  state: 'active' | 'ended' | null;
  cursor?: string;
}

export interface ListPage {
  calls: CallView[];
  next: PageStart | null;
}

export function firstPageStart(filters: ListFilters): PageStart {
  return { state: filters.state === 'active-first' ? 'active' : filters.state };
}

/**
 * One page of calls through the API's cursor paging (each page costs the same, however deep).
 * Active first: the active calls' pages, then the ended calls' pages; a page that ends the
 * active ones is filled up with the first ended ones.
 */
export async function loadCallPage(
  client: ApiClient,
  filters: ListFilters,
  start: PageStart,
  limit: number,
): Promise<ListPage> {
  const base: CallFilters = {
    ...(filters.streamId && { streamId: filters.streamId }),
    ...(filters.threadId && { threadId: filters.threadId }),
  };
  const page = await client.listCalls(
    { ...base, ...(start.state && { state: start.state }) },
    limit,
    start.cursor,
  );
  if (page.nextCursor !== null) {
    return { calls: page.calls, next: { state: start.state, cursor: page.nextCursor } };
  }
  if (filters.state !== 'active-first' || start.state !== 'active') {
    return { calls: page.calls, next: null };
  }
  const room = limit - page.calls.length;
  if (room === 0) return { calls: page.calls, next: { state: 'ended' } };
  const ended = await client.listCalls({ ...base, state: 'ended' }, room);
  return {
    calls: [...page.calls, ...ended.calls],
    next: ended.nextCursor === null ? null : { state: 'ended', cursor: ended.nextCursor },
  };
}

/** Whether a call belongs in the list under these filters (for calls that arrive live). */
export function matchesFilters(call: CallView, filters: ListFilters): boolean {
  if (filters.streamId && call.streamId !== filters.streamId) return false;
  if (filters.threadId && call.threadId !== filters.threadId) return false;
  if (filters.state === 'active') return call.status === 'active';
  if (filters.state === 'ended') return call.status === 'ended';
  return true;
}
