import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { UUID_PATTERN } from '@callhook/sdk';
import {
  ALICE,
  BOB,
  createCall,
  STREAM,
  startTestApp,
  type TestApp,
  THREAD,
} from './support/test-app.ts';

// One call driven through every command over HTTP, with time moved between commands;
// the event log must then hold exactly the contract's events, in order, with exact bodies.

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

test('a full call over HTTP leaves exactly the expected events, seqs and durations', async () => {
  const t0 = t.clock.now();
  const callId = await createCall(t);
  assert.match(callId, UUID_PATTERN, 'a call id the service made is a lower-case UUID (§1)');
  const call = `/v1/calls/${callId}`;
  const ok = async (method: 'POST' | 'DELETE', url: string, body?: unknown) => {
    const res = await t.request(method, url, body);
    assert.equal(res.statusCode, 200, `${method} ${url}: ${res.body}`);
    return res.json<{ status: string; participants: { userId: string; state: string }[] }>();
  };

  t.clock.advance(1_000);
  await ok('POST', `${call}/participants`, { userId: ALICE }); // t0+1000
  await ok('POST', `${call}/participants`, { userId: BOB });
  t.clock.advance(1_000);
  await ok('POST', `${call}/participants/${ALICE}/join`); // t0+2000
  t.clock.advance(1_000);
  const joined = await ok('POST', `${call}/participants/${BOB}/join`); // t0+3000: dialog starts
  assert.deepEqual(joined.participants, [
    { userId: ALICE, state: 'joined' },
    { userId: BOB, state: 'joined' },
  ]);
  t.clock.advance(2_000);
  await ok('POST', `${call}/participants/${BOB}/pause`); // t0+5000: on hold still counts
  t.clock.advance(2_000);
  await ok('POST', `${call}/participants/${BOB}/unpause`); // t0+7000
  t.clock.advance(1_000);
  await ok('POST', `${call}/dtmf`, { digits: '1*#', userId: ALICE }); // t0+8000
  t.clock.advance(2_000);
  await ok('DELETE', `${call}/participants/${BOB}`); // t0+10000: dialog ends (7000 ms)
  t.clock.advance(2_000);
  const ended = await ok('POST', `${call}/end`); // t0+12000
  assert.equal(ended.status, 'ended');

  const fields = { callId, threadId: THREAD, streamId: STREAM };
  const expected = [
    [t0, { eventType: 'call.created', ...fields, createdAt: t0 }],
    [t0 + 1_000, { eventType: 'call.user.invited', ...fields, userId: ALICE }],
    [t0 + 1_000, { eventType: 'call.user.invited', ...fields, userId: BOB }],
    [t0 + 5_000, { eventType: 'call.user.paused', ...fields, userId: BOB }],
    [t0 + 7_000, { eventType: 'call.user.unpaused', ...fields, userId: BOB }],
    [t0 + 8_000, { eventType: 'call.dtmf', ...fields, dtmf: '1', dtmfNumber: 1 }],
    [t0 + 8_000, { eventType: 'call.dtmf', ...fields, dtmf: '*', dtmfNumber: 10 }],
    [t0 + 8_000, { eventType: 'call.dtmf', ...fields, dtmf: '#', dtmfNumber: 11 }],
    [t0 + 10_000, { eventType: 'call.user.removed', ...fields, userId: BOB }],
    [t0 + 12_000, { eventType: 'call.user.removed', ...fields, userId: ALICE }],
    [
      t0 + 12_000,
      { eventType: 'call.ended', ...fields, dialogDuration: 7_000, callDuration: 12_000 },
    ],
  ] as const;

  const res = await t.request('GET', '/v1/events?limit=500');
  assert.equal(res.statusCode, 200);
  const { events, nextCursor } = res.json<{
    events: {
      id: string;
      callId: string;
      seq: number;
      type: string;
      occurredAt: number;
      payload: Record<string, unknown>;
    }[];
    nextCursor: string;
  }>();
  assert.equal(events.length, expected.length);
  events.forEach((event, i) => {
    const [occurredAt, payload] = expected[i]!;
    assert.equal(event.seq, i + 1, `seq of event ${i}`);
    assert.equal(event.callId, callId);
    assert.equal(event.type, payload.eventType);
    assert.equal(event.occurredAt, occurredAt, `occurredAt of ${payload.eventType} #${i + 1}`);
    assert.deepEqual(event.payload, payload);
    // Bodies keep the document's field order (docs/contract.md §1).
    assert.deepEqual(Object.keys(event.payload), Object.keys(payload));
    assert.match(event.id, UUID_PATTERN);
  });
  assert.equal(new Set(events.map((e) => e.id)).size, events.length, 'event ids are unique');
  // Made in order (UUIDv7, also within one millisecond), so they land at the end of the index.
  const ids = events.map((e) => e.id);
  assert.deepEqual(ids, [...ids].sort(), 'event ids sort in log order');
  assert.equal(nextCursor, String(await t.store.lastEventPosition()));

  // The call as read back agrees with its call.ended event.
  const view = (await t.request('GET', call)).json();
  assert.deepEqual(view, {
    ...fields,
    status: 'ended',
    createdAt: t0,
    endedAt: t0 + 12_000,
    endReason: 'ended',
    participants: [
      { userId: ALICE, state: 'removed' },
      { userId: BOB, state: 'removed' },
    ],
    lastSeq: expected.length,
    callDuration: 12_000,
    dialogDuration: 7_000,
  });
});
