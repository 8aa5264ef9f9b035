import type { CallEventType } from '@callhook/sdk';
import type { Participant, ParticipantState } from './call-state.ts';

// The participant state machine of docs/contract.md §2, as data: which states each command is
// accepted from, where it leads, and which event (if any) it emits.
//
//   invited ──join──▶ joined ⇄ paused
//      └────remove───────┴───remove──┘──▶ removed   (removed users may be invited again)

/** Where a user stands in a call: one of the participant states, or never invited. */
export type ParticipantStanding = ParticipantState | 'absent';

export type ParticipantCommandType = 'invite' | 'join' | 'pause' | 'unpause' | 'remove';

export interface ParticipantTransition {
  from: readonly ParticipantStanding[];
  to: ParticipantState;
  /** Joining has no event in the user's document; it only moves dialog time. */
  event: CallEventType | null;
}

export const PARTICIPANT_TRANSITIONS = {
  invite: { from: ['absent', 'removed'], to: 'invited', event: 'call.user.invited' },
  join: { from: ['invited'], to: 'joined', event: null },
  pause: { from: ['joined'], to: 'paused', event: 'call.user.paused' },
  unpause: { from: ['paused'], to: 'joined', event: 'call.user.unpaused' },
  remove: { from: ['invited', 'joined', 'paused'], to: 'removed', event: 'call.user.removed' },
} as const satisfies Record<ParticipantCommandType, ParticipantTransition>;

/** Present = still in the call (ringing, talking or on hold). */
export function isPresent(state: ParticipantState): boolean {
  return state !== 'removed';
}

/** Joined for dialog time: a paused user still counts, as billing counts hold time. */
export function countsAsJoined(state: ParticipantState): boolean {
  return state === 'joined' || state === 'paused';
}

export function findParticipant(
  participants: readonly Participant[],
  userId: string,
): Participant | undefined {
  return participants.find((p) => p.userId === userId);
}

export function standingOf(participants: readonly Participant[], userId: string) {
  return findParticipant(participants, userId)?.state ?? 'absent';
}
