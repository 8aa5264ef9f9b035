import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addRoom, startSipCallhook } from './support/sip-callhook.ts';
import { runSipp } from './support/sipp.ts';
import type { UacStep } from './support/uac-scenario.ts';

// Must show: two sipp UACs in room 1001 overlap. Both become participants of one call, each
// with its own exact events, and dialogDuration is the time both were joined: from the second
// caller's join (its ACK, within moments of its invite) to the first BYE of the two.

const call = (holdAfterMs: number, byeAfterMs: number): UacStep[] => [
  { kind: 'invite' },
  { kind: 'ack' },
  { kind: 'pause', ms: holdAfterMs },
  { kind: 'reinvite', direction: 'sendonly' },
  { kind: 'reinvite', direction: 'sendrecv' },
  { kind: 'info', signal: '5' },
  { kind: 'pause', ms: byeAfterMs },
  { kind: 'bye' },
];

/**
 * The longest an invited caller takes to become joined on loopback (200 OK out, ACK in, the
 * join committed), with room for a loaded test machine.
 */
const JOIN_SLACK_MS = 600;

test('two overlapping sipp callers: one call, exact events each, dialogDuration of the overlap', async (t) => {
  const callhook = await startSipCallhook(t);
  await addRoom(callhook, '1001');
  const first = runSipp(callhook.sip, {
    calls: [{ user: 'alice', room: '1001' }],
    steps: call(200, 3500),
  });
  await new Promise((r) => setTimeout(r, 600));
  const second = runSipp(callhook.sip, {
    calls: [{ user: 'bob', room: '1001' }],
    steps: call(200, 2000),
  });
  for (const result of await Promise.all([first, second])) {
    assert.equal(result.code, 0, `sipp failed:\n${result.errors}\n${result.stdout.slice(-3000)}`);
  }
  const events = await callhook.events();
  assert.equal(new Set(events.map((e) => e.callId)).size, 1, 'both callers are in one call');
  assert.equal(events[0]!.type, 'call.created');
  assert.equal(events.at(-1)!.type, 'call.ended');
  assert.deepEqual(
    events.map((e) => e.seq),
    events.map((_, i) => i + 1),
  );
  const perUser = (user: string) =>
    events.filter((e) => e.payload.userId === user).map((e) => e.type);
  const expected = [
    'call.user.invited',
    'call.user.paused',
    'call.user.unpaused',
    'call.user.removed',
  ];
  assert.deepEqual(perUser('alice'), expected);
  assert.deepEqual(perUser('bob'), expected);
  assert.equal(events.filter((e) => e.type === 'call.dtmf').length, 2);
  assert.equal(events.length, 1 + 4 + 4 + 2 + 1);

  const at = (type: string, user: string) =>
    events.find((e) => e.type === type && e.payload.userId === user)! as unknown as {
      occurredAt: number;
    };
  const bobInvited = at('call.user.invited', 'bob').occurredAt;
  // The dialog ends when the first of the two leaves (whichever BYE came first).
  const firstLeft = Math.min(
    at('call.user.removed', 'alice').occurredAt,
    at('call.user.removed', 'bob').occurredAt,
  );
  const overlap = firstLeft - bobInvited;
  const { dialogDuration, callDuration } = events.at(-1)!.payload;
  assert.ok(overlap > 1500, `the calls overlapped by well over a second (${overlap} ms)`);
  assert.ok(
    dialogDuration <= overlap && dialogDuration >= overlap - JOIN_SLACK_MS,
    `dialogDuration ${dialogDuration} is the time from bob's join to the first BYE (${overlap} ms from bob's invite)`,
  );
  assert.ok(dialogDuration <= callDuration);
});
