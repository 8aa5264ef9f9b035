import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eventually, SseClient } from './support/sse-client.ts';
import { ALICE, API_KEY, BOB, createCall, startTestApp, type TestApp } from './support/test-app.ts';

// GET /v1/events/stream on a real loopback server: `id:` is the log position, resumable
// with Last-Event-ID; heartbeats come from the injected clock; hang-ups clean up.

const HEARTBEAT_MS = 1_000;
const auth = { authorization: `Bearer ${API_KEY}` };
const opts = { timeout: 20_000 };
let t: TestApp;
let base: string;
const open: SseClient[] = [];

before(async () => {
  t = await startTestApp({ heartbeatMs: HEARTBEAT_MS });
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  for (const client of open) client.close();
  await t.close();
});

async function stream(query = '', headers: Record<string, string> = {}): Promise<SseClient> {
  const client = await SseClient.open(`${base}/v1/events/stream${query}`, { ...auth, ...headers });
  open.push(client);
  assert.equal(client.status, 200);
  assert.match(String(client.response.headers['content-type']), /^text\/event-stream/);
  return client;
}

/** The log after `position`, as the frames the stream must send for it. */
async function expectedFrames(position: number, types?: string[]) {
  const events = await t.store.readEvents({
    after: position,
    limit: 10_000,
    ...(types && { types }),
  });
  return events.map((e) => ({
    id: String(e.position),
    event: e.type,
    data: JSON.stringify(e.payload),
  }));
}

test(
  'a client that hangs up mid-stream resumes with Last-Event-ID: exactly the missed events',
  opts,
  async () => {
    const start = await t.store.lastEventPosition();
    const callId = await createCall(t);
    const call = `/v1/calls/${callId}`;
    await t.request('POST', `${call}/participants`, { userId: ALICE });
    await t.request('POST', `${call}/participants`, { userId: BOB });
    await t.request('POST', `${call}/dtmf`, { digits: '12' });

    const first = await stream('', { 'last-event-id': String(start) });
    await first.untilFrames(3);
    const lastSeen = first.frames[2]!.id; // the client processed three frames, then went away
    first.close();

    // Meanwhile the call goes on.
    await t.request('POST', `${call}/participants/${ALICE}/join`);
    await t.request('POST', `${call}/participants/${BOB}/join`);
    await t.request('POST', `${call}/participants/${BOB}/pause`);
    await t.request('POST', `${call}/end`);

    const missed = await expectedFrames(Number(lastSeen));
    assert.equal(missed.length, 2 + 1 + 3); // dtmf 2, paused, removed ×2, ended
    const second = await stream('', { 'last-event-id': lastSeen });
    await second.untilFrames(missed.length);
    assert.deepEqual(second.frames, missed);
    assert.deepEqual(
      missed.map((f) => f.event),
      [
        'call.dtmf',
        'call.dtmf',
        'call.user.paused',
        'call.user.removed',
        'call.user.removed',
        'call.ended',
      ],
    );

    // Caught up and live: the very next frame is the next event, nothing repeated before it.
    const next = await createCall(t);
    await second.untilFrames(missed.length + 1);
    const live = second.frames[missed.length]!;
    assert.equal(live.event, 'call.created');
    assert.equal(JSON.parse(live.data).callId, next);
    assert.equal(live.id, String(await t.store.lastEventPosition()));
    assert.equal(second.frames.length, missed.length + 1);
  },
);

test(
  'without Last-Event-ID it starts from now; ?after= resumes; Last-Event-ID wins',
  opts,
  async () => {
    await createCall(t); // history a "now" stream must not replay
    const mark = await t.store.lastEventPosition();
    const now = await stream();
    const fromAfter = await stream(`?after=${mark - 1}`);
    const both = await stream(`?after=0`, { 'last-event-id': String(mark) });

    const callId = await createCall(t);
    await now.untilFrames(1);
    assert.equal(now.frames[0]!.event, 'call.created');
    assert.equal(JSON.parse(now.frames[0]!.data).callId, callId);

    await fromAfter.untilFrames(2);
    assert.deepEqual(fromAfter.frames, await expectedFrames(mark - 1));
    await both.untilFrames(1);
    assert.deepEqual(both.frames, await expectedFrames(mark));
  },
);

test('?types= streams only those types, with their log positions as ids', opts, async () => {
  const mark = await t.store.lastEventPosition();
  const client = await stream(`?types=call.created,call.ended&after=${mark}`);
  const callId = await createCall(t);
  await t.request('POST', `/v1/calls/${callId}/participants`, { userId: ALICE });
  await t.request('POST', `/v1/calls/${callId}/dtmf`, { digits: '#' });
  await t.request('POST', `/v1/calls/${callId}/end`);
  await client.untilFrames(2);
  const expected = await expectedFrames(mark, ['call.created', 'call.ended']);
  assert.deepEqual(client.frames, expected);
  assert.deepEqual(
    expected.map((f) => f.event),
    ['call.created', 'call.ended'],
  );
});

test('a catch-up longer than one store page arrives whole and in order', opts, async () => {
  const mark = await t.store.lastEventPosition();
  const callId = await createCall(t);
  for (let i = 0; i < 8; i++) {
    await t.request('POST', `/v1/calls/${callId}/dtmf`, { digits: '0123456789*#ABCD'.repeat(2) });
  }
  const client = await stream(`?after=${mark}`);
  await client.untilFrames(1 + 8 * 32);
  assert.deepEqual(client.frames, await expectedFrames(mark));
});

test('heartbeats are sent every heartbeatMs of the injected clock', opts, async () => {
  const client = await stream();
  assert.equal(client.comments.length, 0);
  t.clock.advance(HEARTBEAT_MS);
  await client.until(() => client.comments.length === 1, 'first ping');
  t.clock.advance(HEARTBEAT_MS);
  await client.until(() => client.comments.length === 2, 'second ping');
  assert.deepEqual(client.comments, ['ping', 'ping']);
});

test('a hang-up stops the stream: its heartbeat timer is cancelled', opts, async () => {
  for (const client of open.splice(0)) client.close();
  // Only the service's own deadline timer (if any) remains once every stream is gone.
  await eventually(() => t.clock.pendingTimers <= 1, 'earlier streams cleaned up');
  const before = t.clock.pendingTimers;
  const client = await stream();
  await eventually(() => t.clock.pendingTimers === before + 1, 'heartbeat armed');
  client.close();
  await eventually(() => t.clock.pendingTimers === before, 'heartbeat cancelled');
});

test('closing the app ends open streams instead of waiting for them', opts, async () => {
  const other = await startTestApp();
  const url = await other.app.listen({ host: '127.0.0.1', port: 0 });
  const client = await SseClient.open(`${url}/v1/events/stream`, auth);
  assert.equal(client.status, 200);
  await other.close();
  await client.until(() => client.ended, 'stream ended by the server');
});
