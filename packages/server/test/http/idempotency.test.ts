import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  ALICE,
  BOB,
  createCall,
  STREAM,
  startTestApp,
  type TestApp,
  THREAD,
} from './support/test-app.ts';

// `Idempotency-Key`: the same key with the same request returns the first response and
// emits nothing again; the same key with another request is 409 conflict. Keys are scoped
// to the route and the call.

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const key = (k: string) => ({ 'idempotency-key': k });
const body = { threadId: THREAD, streamId: STREAM };

async function eventCount(callId?: string): Promise<number> {
  return (await t.store.readEvents({ limit: 10_000, ...(callId && { callId }) })).length;
}

test('create: a retry with the same key and body replays the first response', async () => {
  const first = await t.request('POST', '/v1/calls', body, key('create-1'));
  assert.equal(first.statusCode, 201);
  assert.equal(first.headers['idempotent-replayed'], undefined);
  const events = await eventCount();

  t.clock.advance(5_000);
  const retry = await t.request('POST', '/v1/calls', body, key('create-1'));
  assert.equal(retry.statusCode, 201);
  assert.equal(retry.headers['idempotent-replayed'], 'true');
  assert.equal(retry.body, first.body);
  assert.equal(await eventCount(), events, 'a replay emits nothing');

  // Without a key, the same body is a second call.
  const other = await t.request('POST', '/v1/calls', body);
  assert.notEqual(other.json<{ callId: string }>().callId, first.json<{ callId: string }>().callId);
});

test('create: the same key with a different body is 409 conflict and emits nothing', async () => {
  await t.request('POST', '/v1/calls', body, key('create-2'));
  const events = await eventCount();
  const res = await t.request('POST', '/v1/calls', { ...body, threadId: 'other' }, key('create-2'));
  assert.equal(res.statusCode, 409);
  assert.equal(res.json<{ error: { code: string } }>().error.code, 'conflict');
  assert.equal(await eventCount(), events);
});

test('command: a retry replays the first response even after the call moved on', async () => {
  const callId = await createCall(t);
  const invite = `/v1/calls/${callId}/participants`;
  const first = await t.request('POST', invite, { userId: ALICE }, key('invite-alice'));
  assert.equal(first.statusCode, 200);
  await t.request('POST', `/v1/calls/${callId}/participants/${ALICE}/join`);
  const events = await eventCount(callId);

  // Without the key this would be a 409 (ALICE is already in the call); with it, a replay.
  const retry = await t.request('POST', invite, { userId: ALICE }, key('invite-alice'));
  assert.equal(retry.statusCode, 200);
  assert.equal(retry.headers['idempotent-replayed'], 'true');
  assert.deepEqual(retry.json(), first.json());
  assert.equal(await eventCount(callId), events);

  const conflict = await t.request('POST', invite, { userId: BOB }, key('invite-alice'));
  assert.equal(conflict.statusCode, 409);
  assert.equal(conflict.json<{ error: { code: string } }>().error.code, 'conflict');
  assert.equal(await eventCount(callId), events);
});

test('command: the same key on another participant of the same route is a conflict', async () => {
  const callId = await createCall(t);
  for (const userId of [ALICE, BOB]) {
    await t.request('POST', `/v1/calls/${callId}/participants`, { userId });
  }
  const join = (u: string) => `/v1/calls/${callId}/participants/${u}/join`;
  assert.equal((await t.request('POST', join(ALICE), undefined, key('j'))).statusCode, 200);
  const res = await t.request('POST', join(BOB), undefined, key('j'));
  assert.equal(res.statusCode, 409);
  assert.equal(res.json<{ error: { code: string } }>().error.code, 'conflict');
});

test('the same key on different routes, or on different calls, is independent', async () => {
  const k = key('shared-key');
  const created = await t.request('POST', '/v1/calls', body, k);
  assert.equal(created.statusCode, 201);
  const callId = created.json<{ callId: string }>().callId;
  const call = `/v1/calls/${callId}`;
  // Each keyed step below is on a different route (one invite only: two invites on the same
  // route and call with one key would be a conflict, as tested above).
  await t.request('POST', `${call}/participants`, { userId: BOB });
  const steps = [
    ['POST', `${call}/participants`, { userId: ALICE }],
    ['POST', `${call}/participants/${ALICE}/join`, undefined],
    ['POST', `${call}/participants/${ALICE}/pause`, undefined],
    ['POST', `${call}/participants/${ALICE}/unpause`, undefined],
    ['POST', `${call}/dtmf`, { digits: '9' }],
    ['DELETE', `${call}/participants/${BOB}`, undefined],
    ['POST', `${call}/end`, undefined],
  ] as const;
  for (const [method, url, payload] of steps) {
    const res = await t.request(method, url, payload, k);
    assert.equal(res.statusCode, 200, `${method} ${url}: ${res.body}`);
    assert.equal(res.headers['idempotent-replayed'], undefined, `${method} ${url} was replayed`);
  }
  const types = (await t.store.readEvents({ callId, limit: 100 })).map((e) => e.type);
  assert.deepEqual(types, [
    'call.created',
    'call.user.invited',
    'call.user.invited',
    'call.user.paused',
    'call.user.unpaused',
    'call.dtmf',
    'call.user.removed',
    'call.user.removed',
    'call.ended',
  ]);

  // Another call, same route, same key: ends too.
  const second = await createCall(t);
  const res = await t.request('POST', `/v1/calls/${second}/end`, undefined, k);
  assert.equal(res.statusCode, 200);
  assert.equal(res.json<{ status: string }>().status, 'ended');
  assert.equal(res.headers['idempotent-replayed'], undefined);
});
