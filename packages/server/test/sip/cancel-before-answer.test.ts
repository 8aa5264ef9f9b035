import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addRoom, startSipCallhook } from './support/sip-callhook.ts';
import { runSipp } from './support/sipp.ts';

// Must show: a CANCEL while the phone rings (--sip-ring) answers 200 to the CANCEL and 487 to
// the INVITE, and the participant is removed: created, invited, removed, ended, nothing else.

test('CANCEL before the 200 OK: 487 to the INVITE, and the invited user is removed', async (t) => {
  const callhook = await startSipCallhook(t, { ringMs: 5_000 });
  await addRoom(callhook, '1001');
  const result = await runSipp(callhook.sip, {
    calls: [{ user: 'carol', room: '1001' }],
    steps: [{ kind: 'invite', until: 'ringing' }, { kind: 'pause', ms: 200 }, { kind: 'cancel' }],
  });
  assert.equal(result.code, 0, `sipp failed:\n${result.errors}\n${result.stdout.slice(-3000)}`);
  const events = await callhook.events();
  assert.deepEqual(
    events.map((e) => [e.type, e.payload.userId]),
    [
      ['call.created', undefined],
      ['call.user.invited', 'carol'],
      ['call.user.removed', 'carol'],
      ['call.ended', undefined],
    ],
  );
  assert.equal(events.at(-1)!.payload.dialogDuration, 0);
});
