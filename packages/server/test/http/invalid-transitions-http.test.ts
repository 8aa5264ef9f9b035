import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  ALICE,
  BOB,
  CAROL,
  createCall,
  STREAM,
  startTestApp,
  type TestApp,
  THREAD,
} from './support/test-app.ts';

// docs/contract.md §2/§3: a refused command answers 409 invalid_transition (404 for an unknown
// call) and changes nothing — no event, no state change.

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

type Method = 'POST' | 'DELETE';

/** Sends a command expected to be refused and checks that nothing was written. */
async function refused(
  method: Method,
  url: string,
  body: unknown,
  status: number,
  code: string,
): Promise<void> {
  const before = await t.store.lastEventPosition();
  const callId = url.split('/')[3]!;
  const stateBefore = await t.store.getCall(callId);
  const res = await t.request(method, url, body);
  assert.equal(res.statusCode, status, `${method} ${url}: ${res.body}`);
  assert.equal(res.json<{ error: { code: string } }>().error.code, code, res.body);
  assert.equal(await t.store.lastEventPosition(), before, `${method} ${url} emitted an event`);
  assert.deepEqual(await t.store.getCall(callId), stateBefore, `${method} ${url} changed the call`);
}

test('participant transitions the state machine does not allow are 409 and emit nothing', async () => {
  const callId = await createCall(t);
  const call = `/v1/calls/${callId}`;
  const cmd = async (method: Method, url: string, body?: unknown) =>
    assert.equal((await t.request(method, url, body)).statusCode, 200);
  await cmd('POST', `${call}/participants`, { userId: ALICE }); // ALICE invited
  await cmd('POST', `${call}/participants`, { userId: BOB });
  await cmd('POST', `${call}/participants/${BOB}/join`); // BOB joined

  const bad = 'invalid_transition';
  await refused('POST', `${call}/participants/${CAROL}/join`, undefined, 409, bad); // not invited
  await refused('POST', `${call}/participants/${ALICE}/pause`, undefined, 409, bad); // invited only
  await refused('POST', `${call}/participants/${BOB}/unpause`, undefined, 409, bad); // not paused
  await refused('POST', `${call}/participants/${BOB}/join`, undefined, 409, bad); // already joined
  await refused('POST', `${call}/participants`, { userId: ALICE }, 409, bad); // already invited
  await refused('DELETE', `${call}/participants/${CAROL}`, undefined, 409, bad); // never invited
  await refused('POST', `${call}/dtmf`, { digits: '1', userId: ALICE }, 409, bad); // not joined

  await cmd('POST', `${call}/participants/${BOB}/pause`);
  await refused('POST', `${call}/participants/${BOB}/pause`, undefined, 409, bad); // paused twice
});

test('every command on an ended call is 409 invalid_transition and emits nothing', async () => {
  const callId = await createCall(t);
  const call = `/v1/calls/${callId}`;
  assert.equal(
    (await t.request('POST', `${call}/participants`, { userId: ALICE })).statusCode,
    200,
  );
  assert.equal((await t.request('POST', `${call}/end`)).statusCode, 200);

  const bad = 'invalid_transition';
  await refused('POST', `${call}/participants`, { userId: BOB }, 409, bad);
  await refused('POST', `${call}/participants/${ALICE}/join`, undefined, 409, bad);
  await refused('POST', `${call}/participants/${ALICE}/pause`, undefined, 409, bad);
  await refused('POST', `${call}/participants/${ALICE}/unpause`, undefined, 409, bad);
  await refused('DELETE', `${call}/participants/${ALICE}`, undefined, 409, bad);
  await refused('POST', `${call}/dtmf`, { digits: '5' }, 409, bad);
  await refused('POST', `${call}/end`, undefined, 409, bad);
});

test('commands on an unknown call are 404 not_found and emit nothing', async () => {
  const call = `/v1/calls/${randomUUID()}`;
  await refused('POST', `${call}/participants`, { userId: ALICE }, 404, 'not_found');
  await refused('POST', `${call}/participants/${ALICE}/join`, undefined, 404, 'not_found');
  await refused('POST', `${call}/participants/${ALICE}/pause`, undefined, 404, 'not_found');
  await refused('POST', `${call}/participants/${ALICE}/unpause`, undefined, 404, 'not_found');
  await refused('DELETE', `${call}/participants/${ALICE}`, undefined, 404, 'not_found');
  await refused('POST', `${call}/dtmf`, { digits: '5' }, 404, 'not_found');
  await refused('POST', `${call}/end`, undefined, 404, 'not_found');
  const res = await t.request('GET', call);
  assert.equal(res.statusCode, 404);
  assert.equal(res.json<{ error: { code: string } }>().error.code, 'not_found');
});

test('creating a call with an id that exists is 409 conflict and emits nothing', async () => {
  const callId = randomUUID();
  await createCall(t, { callId });
  const before = await t.store.lastEventPosition();
  const res = await t.request('POST', '/v1/calls', { threadId: THREAD, streamId: STREAM, callId });
  assert.equal(res.statusCode, 409);
  assert.equal(res.json<{ error: { code: string } }>().error.code, 'conflict');
  assert.equal(await t.store.lastEventPosition(), before);
});
