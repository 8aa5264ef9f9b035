import type { CallEvent } from '@callhook/sdk';
import type { CallState, EndReason, EngineEvent, ParticipantState } from './call-state.ts';
import { settleDialog } from './dialog-duration.ts';
import { callEndedBody, participantBody } from './event-bodies.ts';
import { isPresent } from './participant-transitions.ts';

/**
 * The working copy of one decision. The caller's state is cloned first, so a refused or
 * abandoned decision leaves it untouched; every change is stamped with the one time `t`,
 * and every event takes the next seq.
 */
export class CallDraft {
  readonly state: CallState;
  readonly events: EngineEvent[] = [];

  constructor(
    base: CallState,
    readonly t: number,
    private readonly newId: () => string,
  ) {
    this.state = structuredClone(base);
    this.state.updatedAt = t;
  }

  emit(payload: CallEvent): void {
    this.state.lastSeq += 1;
    this.events.push({
      id: this.newId(),
      callId: this.state.callId,
      seq: this.state.lastSeq,
      type: payload.eventType,
      occurredAt: this.t,
      payload,
    });
  }

  /** Moves a user to `to` (adding them when new) and keeps dialog and idle time in step. */
  setParticipant(userId: string, to: ParticipantState): void {
    const participants = this.state.participants;
    const index = participants.findIndex((p) => p.userId === userId);
    if (to === 'invited') {
      // A (re-)invited user goes to the end: participants stay in invitation order.
      if (index >= 0) participants.splice(index, 1);
      participants.push({ userId, state: 'invited', invitedAt: this.t });
      this.state.everInvited = true;
      this.state.idleSince = null;
    } else {
      const participant = participants[index];
      if (!participant) throw new Error(`no participant ${userId} in call ${this.state.callId}`);
      participant.state = to;
    }
    settleDialog(this.state, this.t);
    if (this.state.idleSince === null && !participants.some((p) => isPresent(p.state))) {
      this.state.idleSince = this.t;
    }
  }

  /** Ends the call: `call.user.removed` for everyone present (invitation order), then `call.ended`. */
  end(reason: EndReason): void {
    for (const p of this.state.participants) {
      if (!isPresent(p.state)) continue;
      this.setParticipant(p.userId, 'removed');
      this.emit(participantBody('call.user.removed', this.state, p.userId));
    }
    this.state.status = 'ended';
    this.state.endedAt = this.t;
    this.state.endReason = reason;
    this.emit(callEndedBody(this.state));
  }
}
