import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallListQuery, CallStore } from '../../../src/store/port.ts';
import { command, startCall, T0 } from './call-commands.ts';
import type { StoreFactory } from './store-factory.ts';

// listCalls (filtered pages), listActiveCalls and countActiveCalls.

/** Every call of the query, page by page; the ids in the order the pages gave them. */
async function everyPage(
  calls: CallStore,
  query: Omit<CallListQuery, 'cursor'>,
): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await calls.listCalls({ ...query, ...(cursor && { cursor }) });
    assert.ok(page.calls.length <= query.limit);
    ids.push(...page.calls.map((c) => c.callId));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

export function callListingContract(open: StoreFactory): void {
  test('pages of calls list each matching call once, by status, thread and stream', async (t) => {
    const { calls } = await open(t);
    const made: { id: string; threadId: string; streamId: string; ended: boolean }[] = [];
    for (let i = 0; i < 9; i++) {
      const threadId = `thread-${i % 3}`;
      const streamId = `stream-${i % 2}`;
      // Some calls share a creation time: pages must still not skip or repeat them.
      const { state } = await startCall(calls, { threadId, streamId, at: T0 + Math.floor(i / 2) });
      const ended = i % 4 === 0;
      if (ended) await command(calls, state.callId, { type: 'end' }, T0 + 100);
      made.push({ id: state.callId, threadId, streamId, ended });
    }
    const expect = (keep: (c: (typeof made)[number]) => boolean) =>
      made
        .filter(keep)
        .map((c) => c.id)
        .sort();
    const sorted = (ids: string[]) => {
      assert.equal(new Set(ids).size, ids.length, 'no call is listed twice');
      return [...ids].sort();
    };
    assert.deepEqual(
      sorted(await everyPage(calls, { limit: 2 })),
      expect(() => true),
    );
    assert.deepEqual(
      sorted(await everyPage(calls, { limit: 2, status: 'ended' })),
      expect((c) => c.ended),
    );
    assert.deepEqual(
      sorted(await everyPage(calls, { limit: 1, status: 'active', threadId: 'thread-1' })),
      expect((c) => !c.ended && c.threadId === 'thread-1'),
    );
    assert.deepEqual(
      sorted(await everyPage(calls, { limit: 3, streamId: 'stream-0', threadId: 'thread-0' })),
      expect((c) => c.streamId === 'stream-0' && c.threadId === 'thread-0'),
    );
    assert.deepEqual(await everyPage(calls, { limit: 5, threadId: 'nowhere' }), []);
  });

  test('the active calls are listed oldest first, and counted', async (t) => {
    const { calls } = await open(t);
    const newer = (await startCall(calls, { at: T0 + 20 })).state.callId;
    const older = (await startCall(calls, { at: T0 + 10 })).state.callId;
    const ended = (await startCall(calls, { at: T0 })).state.callId;
    await command(calls, ended, { type: 'end' }, T0 + 30);
    assert.deepEqual(
      (await calls.listActiveCalls()).map((c) => c.callId),
      [older, newer],
    );
    assert.equal(await calls.countActiveCalls(), 2);
  });
}
