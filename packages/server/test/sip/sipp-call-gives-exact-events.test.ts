import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FULL_CALL_EVENTS, fullCall } from './support/full-call.ts';
import { addRoom, startSipCallhook } from './support/sip-callhook.ts';
import { runSipp } from './support/sipp.ts';

// Must show: a sipp UAC calls room 1001 — INVITE, ACK, re-INVITE sendonly, re-INVITE sendrecv,
// INFO Signal=5, BYE — and the log holds exactly the seven events, in order.

test('a sipp call to room 1001 gives exactly created, invited, paused, unpaused, dtmf 5, removed, ended', async (t) => {
  const callhook = await startSipCallhook(t);
  await addRoom(callhook, '1001');
  const result = await runSipp(callhook.sip, {
    calls: [{ user: 'alice', room: '1001' }],
    steps: fullCall(100),
  });
  assert.equal(result.code, 0, `sipp failed:\n${result.errors}\n${result.stdout.slice(-3000)}`);
  const events = await callhook.events();
  assert.deepEqual(
    events.map((e) => e.type),
    FULL_CALL_EVENTS,
  );
  const [created, invited, , , dtmf, , ended] = events;
  assert.deepEqual(
    events.map((e) => e.seq),
    [1, 2, 3, 4, 5, 6, 7],
  );
  assert.equal(created!.payload.threadId, 'thread-1001');
  assert.equal(invited!.payload.userId, 'alice');
  assert.equal(dtmf!.payload.dtmf, '5');
  assert.equal(dtmf!.payload.dtmfNumber, 5);
  assert.equal(ended!.payload.dialogDuration, 0, 'one participant: never a dialog');
});
