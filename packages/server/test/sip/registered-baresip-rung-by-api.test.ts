import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startBaresip } from './support/baresip.ts';
import { eventually, startSipCallhook } from './support/sip-callhook.ts';

// Must show: a baresip that REGISTERed (digest credentials set through POST /v1/sip/users) is
// rung when the API invites its userId, and its answer makes it joined; the API's end of the
// call sends it a BYE.

test('a REGISTERed baresip is rung by an API invite, its answer joins it, the API end hangs it up', async (t) => {
  const callhook = await startSipCallhook(t);
  const user = await callhook.api('POST', '/v1/sip/users', {
    userId: 'bob',
    password: 'correct-horse',
  });
  assert.equal(user.status, 201, JSON.stringify(user.body));
  assert.equal(user.body.password, undefined, 'the password is never shown');
  const phone = await startBaresip(t, {
    user: 'bob',
    password: 'correct-horse',
    registrar: callhook.sip,
  });
  const t0 = Date.now();
  await phone.waitFor(/200 OK.*\[1 binding\]/);
  t.diagnostic(`registered after ${Date.now() - t0} ms`);

  const created = await callhook.api('POST', '/v1/calls', {
    threadId: 'thread-1',
    streamId: 'stream-1',
  });
  const callId = created.body.callId as string;
  assert.equal(
    (await callhook.api('POST', `/v1/calls/${callId}/participants`, { userId: 'bob' })).status,
    200,
  );
  await eventually(async () => {
    const call = await callhook.api('GET', `/v1/calls/${callId}`);
    assert.deepEqual(
      call.body.participants,
      [{ userId: 'bob', state: 'joined' }],
      phone.output().slice(-6000),
    );
  });
  t.diagnostic(`joined after ${Date.now() - t0} ms`);
  assert.equal((await callhook.api('POST', `/v1/calls/${callId}/end`)).status, 200);
  await phone.waitFor(/terminated|closed/i);
  t.diagnostic(`hung up after ${Date.now() - t0} ms`);
  assert.deepEqual(
    (await callhook.events()).map((e) => e.type),
    ['call.created', 'call.user.invited', 'call.user.removed', 'call.ended'],
  );
});

test('REGISTER with a wrong password is refused and rings nothing', async (t) => {
  const callhook = await startSipCallhook(t);
  await callhook.api('POST', '/v1/sip/users', { userId: 'bob', password: 'correct-horse' });
  const phone = await startBaresip(t, {
    user: 'bob',
    password: 'wrong-horse',
    registrar: callhook.sip,
  });
  await phone.waitFor(/403 Forbidden/);
  const created = await callhook.api('POST', '/v1/calls', {
    threadId: 'thread-1',
    streamId: 'stream-1',
  });
  const callId = created.body.callId as string;
  await callhook.api('POST', `/v1/calls/${callId}/participants`, { userId: 'bob' });
  await new Promise((r) => setTimeout(r, 1_000));
  const call = await callhook.api('GET', `/v1/calls/${callId}`);
  assert.deepEqual(
    call.body.participants,
    [{ userId: 'bob', state: 'invited' }],
    'no phone answered',
  );
  assert.doesNotMatch(phone.output(), /Incoming call/i);
});
