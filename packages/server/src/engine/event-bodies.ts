import type { CallEventOf, CallEventType, DtmfSymbol } from '@callhook/sdk';
import { dtmfNumberOf } from '@callhook/sdk';
import type { CallState } from './call-state.ts';
import { callDurationOf, dialogDurationAt } from './dialog-duration.ts';

// Event bodies built from a call's state, with the fields in the document's table order
// (docs/contract.md §1): eventType, callId, threadId, streamId, then the event's own fields.

/** The event types whose body names a user, derived from the schemas (no second list). */
export type ParticipantEventType = {
  [T in CallEventType]: 'userId' extends keyof CallEventOf<T> ? T : never;
}[CallEventType];

function callFields(state: CallState) {
  return { callId: state.callId, threadId: state.threadId, streamId: state.streamId };
}

export function callCreatedBody(state: CallState): CallEventOf<'call.created'> {
  return { eventType: 'call.created', ...callFields(state), createdAt: state.createdAt };
}

export function participantBody(
  eventType: ParticipantEventType,
  state: CallState,
  userId: string,
): CallEventOf<ParticipantEventType> {
  return { eventType, ...callFields(state), userId };
}

export function callDtmfBody(state: CallState, dtmf: DtmfSymbol): CallEventOf<'call.dtmf'> {
  return { eventType: 'call.dtmf', ...callFields(state), dtmf, dtmfNumber: dtmfNumberOf(dtmf) };
}

/** Body of `call.ended`; `state` must already be ended. */
export function callEndedBody(state: CallState): CallEventOf<'call.ended'> {
  const callDuration = callDurationOf(state);
  if (state.endedAt === null || callDuration === null) {
    throw new Error(`call ${state.callId} is not ended; cannot build call.ended`);
  }
  return {
    eventType: 'call.ended',
    ...callFields(state),
    dialogDuration: dialogDurationAt(state, state.endedAt),
    callDuration,
  };
}
