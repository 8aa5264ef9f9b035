import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addRoom, startSipCallhook } from './support/sip-callhook.ts';
import { runSipp } from './support/sipp.ts';

// Must show: sipp sends the same INVITE twice (same branch); the copy is answered from the
// transaction (100 Trying again; sipp counts it as a retransmission) and the call engine sees
// one invite.

test('an INVITE retransmitted by sipp gives one call.user.invited', async (t) => {
  const callhook = await startSipCallhook(t, { ringMs: 1_000 });
  await addRoom(callhook, '1001');
  const result = await runSipp(callhook.sip, {
    calls: [{ user: 'dave', room: '1001' }],
    steps: [{ kind: 'invite-twice' }, { kind: 'ack' }, { kind: 'bye' }],
  });
  assert.equal(result.code, 0, `sipp failed:\n${result.errors}\n${result.stdout.slice(-3000)}`);
  const events = await callhook.events();
  assert.deepEqual(
    events.map((e) => e.type),
    ['call.created', 'call.user.invited', 'call.user.removed', 'call.ended'],
  );
});
