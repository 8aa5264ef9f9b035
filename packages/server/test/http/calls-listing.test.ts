import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createCall, STREAM, startTestApp, type TestApp } from './support/test-app.ts';

// GET /v1/calls: newest first, filtered by state/thread/stream, paged by an opaque cursor.

interface CallPage {
  calls: { callId: string; threadId: string; streamId: string; status: string }[];
  nextCursor: string | null;
}

let t: TestApp;
const created: { callId: string; threadId: string; ended: boolean }[] = [];
before(async () => {
  t = await startTestApp();
  for (let i = 0; i < 7; i++) {
    const threadId = i % 2 === 0 ? 'thread-even' : 'thread-odd';
    const callId = await createCall(t, { threadId });
    const ended = i % 3 === 0;
    if (ended) await t.request('POST', `/v1/calls/${callId}/end`);
    created.push({ callId, threadId, ended });
    t.clock.advance(1_000);
  }
});
after(() => t.close());

async function list(query: string): Promise<CallPage> {
  const res = await t.request('GET', `/v1/calls?${query}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json<CallPage>();
}

async function listAll(filter: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: CallPage = await list(
      `limit=${limit}${filter}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    assert.ok(page.calls.length <= limit);
    ids.push(...page.calls.map((c) => c.callId));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return ids;
}

const newestFirst = (pick: (c: (typeof created)[number]) => boolean) =>
  created
    .filter(pick)
    .map((c) => c.callId)
    .reverse();

test('pages of 2 through every call, newest first, ending with nextCursor null', async () => {
  assert.deepEqual(
    await listAll('', 2),
    newestFirst(() => true),
  );
  const firstPage = await list('');
  assert.equal(firstPage.calls.length, 7); // default limit 50
  assert.equal(firstPage.nextCursor, null);
});

test('state=active|ended maps to the call status', async () => {
  assert.deepEqual(
    await listAll('&state=active', 2),
    newestFirst((c) => !c.ended),
  );
  assert.deepEqual(
    await listAll('&state=ended', 2),
    newestFirst((c) => c.ended),
  );
  const ended = await list('state=ended');
  assert.ok(ended.calls.every((c) => c.status === 'ended'));
});

test('threadId and streamId filters, alone and combined with state', async () => {
  assert.deepEqual(
    await listAll('&threadId=thread-odd', 3),
    newestFirst((c) => c.threadId === 'thread-odd'),
  );
  assert.deepEqual(
    await listAll('&threadId=thread-even&state=active', 1),
    newestFirst((c) => c.threadId === 'thread-even' && !c.ended),
  );
  assert.equal((await listAll(`&streamId=${STREAM}`, 4)).length, 7);
  assert.deepEqual((await list('streamId=elsewhere')).calls, []);
});

test('a cursor that was not handed out is 400 validation_error', async () => {
  const res = await t.request('GET', '/v1/calls?cursor=bm90LWEtY3Vyc29y');
  assert.equal(res.statusCode, 400);
  assert.equal(res.json<{ error: { code: string } }>().error.code, 'validation_error');
});
