import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { CallState } from '../../src/engine/call-state.ts';
import { CallhookError } from '../../src/errors.ts';
import type { CallListQuery } from '../../src/store/port.ts';
import type { SqliteStore } from '../../src/store/sqlite/index.ts';
import { createCall, endCall } from './fixtures/fabricated-calls.ts';
import { tempStore } from './fixtures/temp-store.ts';

const T0 = Date.UTC(2026, 0, 1);

/** 250 calls over 3 threads and 2 streams, a third of them ended; creation times tie in fives. */
async function seed(store: SqliteStore): Promise<CallState[]> {
  const calls: CallState[] = [];
  for (let i = 0; i < 250; i++) {
    const created = createCall({
      threadId: `thread-${i % 3}`,
      streamId: `stream-${i % 2}`,
      at: T0 + Math.floor(i / 5) * 1000,
    });
    const change = i % 3 === 0 ? endCall(created.state, created.state.createdAt + 10) : created;
    await store.runCommand(created.state.callId, () => ({
      state: change.state,
      events: [...created.events, ...(change === created ? [] : change.events)],
      result: null,
    }));
    calls.push(change.state);
  }
  return calls;
}

function newestFirst(calls: CallState[]): CallState[] {
  return [...calls].sort((a, b) =>
    a.createdAt !== b.createdAt
      ? b.createdAt - a.createdAt
      : a.callId < b.callId
        ? 1
        : a.callId > b.callId
          ? -1
          : 0,
  );
}

const ids = (calls: CallState[]) => calls.map((c) => c.callId);

async function allPages(store: SqliteStore, query: CallListQuery) {
  const seen: CallState[] = [];
  let cursor = query.cursor;
  let pages = 0;
  do {
    const page = await store.listCalls({ ...query, cursor });
    assert.ok(page.calls.length <= query.limit);
    seen.push(...page.calls);
    cursor = page.nextCursor ?? undefined;
    pages++;
  } while (cursor);
  return { seen, pages };
}

test('paging through every call gives each once, newest first, ties broken by callId', async (t) => {
  const { store } = tempStore(t);
  const calls = await seed(store);
  const { seen, pages } = await allPages(store, { limit: 7 });
  assert.deepEqual(seen, newestFirst(calls));
  assert.equal(pages, Math.ceil(250 / 7));
});

test('any page size gives the same list, with no duplicates and no gaps', async (t) => {
  const { store } = tempStore(t);
  const expected = newestFirst(await seed(store));
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 500 }), async (limit) => {
      const { seen } = await allPages(store, { limit });
      assert.deepEqual(ids(seen), ids(expected));
    }),
    { numRuns: 25 },
  );
});

test('status, thread and stream filters select exactly the matching calls, alone and combined', async (t) => {
  const { store } = tempStore(t);
  const calls = await seed(store);
  const filters: Omit<CallListQuery, 'limit'>[] = [
    { status: 'active' },
    { status: 'ended' },
    { threadId: 'thread-1' },
    { streamId: 'stream-0' },
    { status: 'active', threadId: 'thread-2' },
    { status: 'ended', streamId: 'stream-1' },
    { threadId: 'thread-0', streamId: 'stream-1' },
    { status: 'active', threadId: 'thread-1', streamId: 'stream-0' },
    { threadId: 'no-such-thread' },
  ];
  for (const filter of filters) {
    const expected = newestFirst(
      calls.filter(
        (c) =>
          (filter.status === undefined || c.status === filter.status) &&
          (filter.threadId === undefined || c.threadId === filter.threadId) &&
          (filter.streamId === undefined || c.streamId === filter.streamId),
      ),
    );
    const { seen } = await allPages(store, { ...filter, limit: 11 });
    assert.deepEqual(ids(seen), ids(expected), JSON.stringify(filter));
  }
});

test('calls created while paging do not shift the pages still to come', async (t) => {
  const { store } = tempStore(t);
  const expected = newestFirst(await seed(store));
  const first = await store.listCalls({ limit: 100 });
  for (let i = 0; i < 20; i++) {
    const created = createCall({ at: T0 + 1_000_000 + i });
    await store.runCommand(created.state.callId, () => ({ ...created, result: null }));
  }
  const rest = await allPages(store, { limit: 100, cursor: first.nextCursor! });
  assert.deepEqual(ids([...first.calls, ...rest.seen]), ids(expected));
});

test('the last page has no next cursor; an empty store gives an empty page', async (t) => {
  const { store } = tempStore(t);
  assert.deepEqual(await store.listCalls({ limit: 10 }), { calls: [], nextCursor: null });
  await seed(store);
  const all = await store.listCalls({ limit: 250 });
  assert.equal(all.calls.length, 250);
  assert.equal(all.nextCursor, null);
});

test('a malformed cursor or a limit outside 1–500 is a validation_error', async (t) => {
  const { store } = tempStore(t);
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const isValidationError = (error: unknown) =>
    error instanceof CallhookError && error.code === 'validation_error';
  for (const cursor of [
    'not a cursor!',
    '%%%',
    encode({}),
    encode([1]),
    encode(['1', 'x']),
    encode([1.5, 'x']),
    encode([1, 2]),
    Buffer.from('not json').toString('base64url'),
  ]) {
    await assert.rejects(store.listCalls({ limit: 10, cursor }), isValidationError, cursor);
  }
  for (const limit of [0, -1, 501, 1.5, Number.NaN]) {
    await assert.rejects(store.listCalls({ limit }), isValidationError, String(limit));
  }
});

test('active calls are listed and counted, oldest first', async (t) => {
  const { store } = tempStore(t);
  const calls = await seed(store);
  const active = calls.filter((c) => c.status === 'active');
  assert.equal(await store.countActiveCalls(), active.length);
  assert.deepEqual(ids(await store.listActiveCalls()), ids(newestFirst(active).reverse()));
});
