import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addRoom, eventually, startSipCallhook } from './support/sip-callhook.ts';
import { runSipp } from './support/sipp.ts';

// API → SIP: ending the call through the API, or removing a SIP participant, sends BYE to
// that leg (read from the committed call.user.removed), and the phone's 200 ends the dialog.
// sipp's scenario fails unless the BYE comes.

async function activeCall(callhook: Awaited<ReturnType<typeof startSipCallhook>>, users: number) {
  return eventually(async () => {
    const { body } = await callhook.api('GET', '/v1/calls?state=active');
    const call = body.calls[0];
    assert.equal(
      call?.participants.filter((p: { state: string }) => p.state === 'joined').length,
      users,
    );
    return call.callId as string;
  });
}

test('POST /v1/calls/:id/end sends BYE to every SIP leg', async (t) => {
  const callhook = await startSipCallhook(t);
  await addRoom(callhook, '1001');
  const steps = [{ kind: 'invite' }, { kind: 'ack' }, { kind: 'await-bye' }] as const;
  const phones = [
    runSipp(callhook.sip, { calls: [{ user: 'frank', room: '1001' }], steps }),
    runSipp(callhook.sip, { calls: [{ user: 'grace', room: '1001' }], steps }),
  ];
  const callId = await activeCall(callhook, 2);
  const ended = await callhook.api('POST', `/v1/calls/${callId}/end`);
  assert.equal(ended.status, 200);
  for (const result of await Promise.all(phones)) {
    assert.equal(
      result.code,
      0,
      `sipp got no BYE:\n${result.errors}\n${result.stdout.slice(-2000)}`,
    );
  }
  const types = (await callhook.events()).map((e) => e.type);
  assert.deepEqual(types, [
    'call.created',
    'call.user.invited',
    'call.user.invited',
    'call.user.removed',
    'call.user.removed',
    'call.ended',
  ]);
});

test('DELETE of a SIP participant sends BYE to that leg only', async (t) => {
  const callhook = await startSipCallhook(t);
  await addRoom(callhook, '1001');
  const removed = runSipp(callhook.sip, {
    calls: [{ user: 'heidi', room: '1001' }],
    steps: [{ kind: 'invite' }, { kind: 'ack' }, { kind: 'await-bye' }],
  });
  const stays = runSipp(callhook.sip, {
    calls: [{ user: 'ivan', room: '1001' }],
    steps: [{ kind: 'invite' }, { kind: 'ack' }, { kind: 'pause', ms: 2500 }, { kind: 'bye' }],
  });
  const callId = await activeCall(callhook, 2);
  assert.equal(
    (await callhook.api('DELETE', `/v1/calls/${callId}/participants/heidi`)).status,
    200,
  );
  const [byeResult, stayResult] = await Promise.all([removed, stays]);
  assert.equal(byeResult.code, 0, `heidi got no BYE:\n${byeResult.errors}`);
  assert.equal(stayResult.code, 0, `ivan's call was disturbed:\n${stayResult.errors}`);
  const events = (await callhook.events()).map((e) => `${e.type} ${e.payload.userId ?? ''}`.trim());
  // The two invites come in whichever order the phones' INVITEs arrived.
  assert.deepEqual(events.slice(1, 3).sort(), [
    'call.user.invited heidi',
    'call.user.invited ivan',
  ]);
  assert.deepEqual(
    [events[0], ...events.slice(3)],
    ['call.created', 'call.user.removed heidi', 'call.user.removed ivan', 'call.ended'],
  );
});
