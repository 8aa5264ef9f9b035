import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ALICE, BOB, createCall, startTestApp, type TestApp } from './support/test-app.ts';

// GET /v1/events: pages in log order by cursor, filtered by call and type; an empty page
// hands back the cursor it was given, so a client polls with nextCursor forever.

interface EventPage {
  events: { id: string; callId: string; seq: number; type: string }[];
  nextCursor: string;
}

let t: TestApp;
const calls: string[] = [];
before(async () => {
  t = await startTestApp();
  for (let i = 0; i < 3; i++) {
    const callId = await createCall(t);
    calls.push(callId);
    await t.request('POST', `/v1/calls/${callId}/participants`, { userId: ALICE });
    await t.request('POST', `/v1/calls/${callId}/participants`, { userId: BOB });
    await t.request('POST', `/v1/calls/${callId}/dtmf`, { digits: '12' });
    if (i !== 1) await t.request('POST', `/v1/calls/${callId}/end`);
  }
});
after(() => t.close());

async function page(query: string): Promise<EventPage> {
  const res = await t.request('GET', `/v1/events?${query}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json<EventPage>();
}

/** Follows nextCursor from the start until an empty page; returns every event read. */
async function readAll(filter: string, limit: number) {
  const seen: EventPage['events'] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const p = await page(`limit=${limit}${filter}${cursor ? `&after=${cursor}` : ''}`);
    assert.ok(p.events.length <= limit);
    if (p.events.length === 0) {
      assert.equal(p.nextCursor, cursor ?? '0', 'an empty page returns the cursor it was given');
      return seen;
    }
    seen.push(...p.events);
    cursor = p.nextCursor;
  }
  throw new Error('pagination did not end');
}

test('paging with limit=2 yields the whole log, in order, without gaps or repeats', async () => {
  const all = await t.store.readEvents({ limit: 10_000 });
  assert.equal(all.length, 3 + 3 * 4 + 2 * 3); // created + 2 invites + 2 dtmf, 2 calls ended
  const read = await readAll('', 2);
  assert.deepEqual(
    read.map((e) => e.id),
    all.map((e) => e.id),
  );
  // nextCursor is the position of the last event of the page.
  const first = await page('limit=2');
  assert.equal(first.nextCursor, String(all[1]!.position));
});

test('callId filter: only that call, seq 1..n', async () => {
  const callId = calls[1]!;
  const read = await readAll(`&callId=${callId}`, 3);
  assert.ok(read.every((e) => e.callId === callId));
  assert.deepEqual(
    read.map((e) => e.seq),
    [1, 2, 3, 4, 5],
  );
});

test('type filter: a comma list of types', async () => {
  const read = await readAll('&type=call.created,call.ended', 2);
  assert.deepEqual(
    read.map((e) => `${e.type}@${calls.indexOf(e.callId)}`),
    ['call.created@0', 'call.ended@0', 'call.created@1', 'call.created@2', 'call.ended@2'],
  );
  const dtmfOfOne = await readAll(`&type=call.dtmf&callId=${calls[2]}`, 50);
  assert.deepEqual(
    dtmfOfOne.map((e) => e.seq),
    [4, 5],
  );
});

test('polling with nextCursor returns only what happened since', async () => {
  const tail = await page(`after=${await t.store.lastEventPosition()}`);
  assert.deepEqual(tail.events, []);
  await t.request('POST', `/v1/calls/${calls[1]}/end`);
  const next = await page(`after=${tail.nextCursor}`);
  assert.deepEqual(
    next.events.map((e) => e.type),
    ['call.user.removed', 'call.user.removed', 'call.ended'],
  );
  assert.ok(next.events.every((e) => e.callId === calls[1]));
});
