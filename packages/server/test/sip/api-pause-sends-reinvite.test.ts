import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addRoom, eventually, startSipCallhook } from './support/sip-callhook.ts';
import { runSipp } from './support/sipp.ts';

// API → SIP: the API's pause of a SIP participant sends the phone a re-INVITE offering
// sendonly, its unpause one offering sendrecv (sipp's scenario fails on any other offer), and
// the events are the API's, once each; the phone's own answers add nothing.

test('API pause and unpause of a SIP participant send re-INVITEs sendonly, then sendrecv', async (t) => {
  const callhook = await startSipCallhook(t);
  await addRoom(callhook, '1001');
  const phone = runSipp(callhook.sip, {
    calls: [{ user: 'judy', room: '1001' }],
    steps: [
      { kind: 'invite' },
      { kind: 'ack' },
      { kind: 'await-reinvite', direction: 'sendonly' },
      { kind: 'await-reinvite', direction: 'sendrecv' },
      { kind: 'bye' },
    ],
  });
  const callId = await eventually(async () => {
    const { body } = await callhook.api('GET', '/v1/calls?state=active');
    assert.equal(body.calls[0]?.participants[0]?.state, 'joined');
    return body.calls[0].callId as string;
  });
  const base = `/v1/calls/${callId}/participants/judy`;
  assert.equal((await callhook.api('POST', `${base}/pause`)).status, 200);
  await eventually(async () => {
    // The unpause waits until the phone has taken the hold (its 200 and our ACK).
    const { body } = await callhook.api('GET', `/v1/calls/${callId}`);
    assert.equal(body.participants[0].state, 'paused');
  });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await callhook.api('POST', `${base}/unpause`)).status, 200);
  const result = await phone;
  assert.equal(result.code, 0, `sipp failed:\n${result.errors}\n${result.stdout.slice(-3000)}`);
  assert.deepEqual(
    (await callhook.events()).map((e) => e.type),
    [
      'call.created',
      'call.user.invited',
      'call.user.paused',
      'call.user.unpaused',
      'call.user.removed',
      'call.ended',
    ],
  );
});
