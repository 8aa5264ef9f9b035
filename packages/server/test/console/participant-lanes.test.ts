import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallView, StoredEvent } from '../../../console/src/api/views.ts';
import { participantLanes } from '../../../console/src/timeline/participant-lanes.ts';

// The timeline's picture: which state each participant was in, and when, from the event log.

const CALL = '01a23300-0000-7000-8000-000000000001';

function event(seq: number, type: string, occurredAt: number, userId?: string): StoredEvent {
  const payload = { eventType: type, callId: CALL, threadId: 't', streamId: 's', userId };
  return { id: `e${seq}`, callId: CALL, seq, type, occurredAt, payload } as unknown as StoredEvent;
}

function call(participants: CallView['participants'], endedAt: number | null): CallView {
  return { callId: CALL, createdAt: 0, endedAt, participants } as unknown as CallView;
}

test('a pause shows the participant had joined; an unpause starts a joined stretch', () => {
  const events = [
    event(1, 'call.created', 0),
    event(2, 'call.user.invited', 10, 'alice'),
    event(3, 'call.user.paused', 50, 'alice'),
    event(4, 'call.user.unpaused', 70, 'alice'),
    event(5, 'call.user.removed', 90, 'alice'),
    event(6, 'call.ended', 90),
  ];
  const [alice] = participantLanes(events, call([{ userId: 'alice', state: 'removed' }], 90), 999);
  assert.deepEqual(alice!.segments, [
    { from: 10, to: 50, state: 'invited-then-joined' },
    { from: 50, to: 70, state: 'paused' },
    { from: 70, to: 90, state: 'joined' },
  ]);
  assert.deepEqual(
    alice!.marks.map((m) => m.what),
    ['invited', 'paused', 'unpaused', 'removed'],
  );
});

test('an open stretch runs to now while the call is active, as the call view says', () => {
  const events = [
    event(1, 'call.created', 0),
    event(2, 'call.user.invited', 10, 'bob'),
    event(3, 'call.user.invited', 20, 'carol'),
  ];
  const lanes = participantLanes(
    events,
    call(
      [
        { userId: 'bob', state: 'joined' },
        { userId: 'carol', state: 'invited' },
      ],
      null,
    ),
    100,
  );
  assert.deepEqual(
    lanes.map((l) => [l.userId, l.segments]),
    [
      ['bob', [{ from: 10, to: 100, state: 'invited-then-joined' }]],
      ['carol', [{ from: 20, to: 100, state: 'invited' }]],
    ],
  );
});

test('a user invited again after removal gets a second stretch in the same lane', () => {
  const events = [
    event(2, 'call.user.invited', 10, 'dan'),
    event(3, 'call.user.removed', 20, 'dan'),
    event(4, 'call.user.invited', 30, 'dan'),
  ];
  const [dan] = participantLanes(events, call([{ userId: 'dan', state: 'invited' }], null), 40);
  assert.deepEqual(dan!.segments, [
    { from: 10, to: 20, state: 'invited' },
    { from: 30, to: 40, state: 'invited' },
  ]);
});
