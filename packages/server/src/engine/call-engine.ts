// The call engine's front door: pure functions from (state, command, context) to a
// decision. No I/O, no clock, no randomness — time, ids and limits come in `EngineContext`.
export { applyCommand } from './apply-command.ts';
export { expireCall, nextDeadline } from './auto-end.ts';
export { type CallView, callView } from './call-view.ts';
export { createCall } from './create-call.ts';
export { MAX_DTMF_DIGITS } from './dtmf-digits.ts';
export {
  PARTICIPANT_TRANSITIONS,
  type ParticipantCommandType,
  type ParticipantStanding,
} from './participant-transitions.ts';
