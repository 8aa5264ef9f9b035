import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FULL_CALL_SEQ_TYPES, fullCall } from './support/full-call.ts';
import { addRoom, eventually, startSipCallhook } from './support/sip-callhook.ts';
import { runSipp } from './support/sipp.ts';

// `--sip tcp:…`: sipp in TCP mode (`-t t1`, one connection) makes the whole call — INVITE,
// ACK, hold, unhold, INFO Signal=5, BYE — and the log holds exactly the seven events; a BYE
// the API causes goes back to the phone on the connection it called on.

test('a sipp call over TCP gives exactly created, invited, paused, unpaused, dtmf 5, removed, ended', async (t) => {
  const callhook = await startSipCallhook(t, { transport: 'tcp' });
  assert.equal(callhook.server.sip!.addresses[0]!.transport, 'tcp');
  await addRoom(callhook, '1001');
  const result = await runSipp(callhook.sip, {
    transport: 'tcp',
    calls: [{ user: 'alice', room: '1001' }],
    steps: fullCall(100),
  });
  assert.equal(result.code, 0, `sipp failed:\n${result.errors}\n${result.stdout.slice(-3000)}`);
  const events = await callhook.events();
  assert.deepEqual(
    events.map((e) => [e.seq, e.type]),
    FULL_CALL_SEQ_TYPES,
  );
  assert.equal(events[1]!.payload.userId, 'alice');
  assert.equal(events[4]!.payload.dtmf, '5');
});

test('the API ending a call over TCP sends the BYE on the phone’s own connection', async (t) => {
  const callhook = await startSipCallhook(t, { transport: 'tcp' });
  await addRoom(callhook, '1001');
  const phone = runSipp(callhook.sip, {
    transport: 'tcp',
    calls: [{ user: 'frank', room: '1001' }],
    steps: [{ kind: 'invite' }, { kind: 'ack' }, { kind: 'await-bye' }],
  });
  const callId = await eventually(async () => {
    const { body } = await callhook.api('GET', '/v1/calls?state=active');
    assert.equal(body.calls[0]?.participants[0]?.state, 'joined');
    return body.calls[0].callId as string;
  });
  assert.equal((await callhook.api('POST', `/v1/calls/${callId}/end`)).status, 200);
  const result = await phone;
  assert.equal(result.code, 0, `sipp got no BYE:\n${result.errors}\n${result.stdout.slice(-2000)}`);
  assert.deepEqual(
    (await callhook.events()).map((e) => e.type),
    ['call.created', 'call.user.invited', 'call.user.removed', 'call.ended'],
  );
});
