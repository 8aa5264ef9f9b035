import type { CallView, ParticipantState, StoredEvent } from '../api/views.ts';

/**
 * What a participant was doing over a stretch of time. Joining (answering) has no event of its
 * own (the contract's call.user.* events are invited, paused, unpaused, removed), so the
 * stretch from an invitation to the first sign of having joined — a pause, or the call's
 * current state — is `invited-then-joined`: ringing, then joined at a moment the log does not say.
 */
export type LaneState = 'invited' | 'invited-then-joined' | 'joined' | 'paused';

export interface LaneSegment {
  from: number;
  to: number;
  state: LaneState;
}

export interface LaneMark {
  at: number;
  seq: number;
  what: 'invited' | 'paused' | 'unpaused' | 'removed';
}

export interface ParticipantLane {
  userId: string;
  segments: LaneSegment[];
  marks: LaneMark[];
  /** As the call view has it now. */
  current: ParticipantState | null;
}

const MARKS: Record<string, LaneMark['what']> = {
  'call.user.invited': 'invited',
  'call.user.paused': 'paused',
  'call.user.unpaused': 'unpaused',
  'call.user.removed': 'removed',
};

/** Each participant's states over the call's life, from its events in seq order. */
export function participantLanes(
  events: readonly StoredEvent[],
  call: CallView,
  now: number,
): ParticipantLane[] {
  const end = call.endedAt ?? now;
  const lanes = new Map<string, ParticipantLane>();
  const open = new Map<string, LaneSegment>();
  const lane = (userId: string) => {
    let found = lanes.get(userId);
    if (!found) {
      found = { userId, segments: [], marks: [], current: null };
      lanes.set(userId, found);
    }
    return found;
  };
  const close = (userId: string, at: number, joined: boolean) => {
    const segment = open.get(userId);
    if (!segment) return;
    segment.to = at;
    if (joined && segment.state === 'invited') segment.state = 'invited-then-joined';
    open.delete(userId);
  };
  const begin = (userId: string, at: number, state: LaneState) => {
    const segment = { from: at, to: at, state };
    lane(userId).segments.push(segment);
    open.set(userId, segment);
  };

  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    const what = MARKS[event.type];
    const userId = (event.payload as { userId?: string }).userId;
    if (what === undefined || userId === undefined) continue;
    const at = event.occurredAt;
    lane(userId).marks.push({ at, seq: event.seq, what });
    if (what === 'invited') begin(userId, at, 'invited');
    else if (what === 'paused') {
      close(userId, at, true);
      begin(userId, at, 'paused');
    } else if (what === 'unpaused') {
      close(userId, at, true);
      begin(userId, at, 'joined');
    } else close(userId, at, false);
  }
  for (const participant of call.participants) {
    lane(participant.userId).current = participant.state;
  }
  for (const [userId] of open) {
    const current = lanes.get(userId)!.current;
    close(userId, end, current === 'joined' || current === 'paused');
  }
  return [...lanes.values()];
}
