import { CallDraft } from './call-draft.ts';
import type { CallState } from './call-state.ts';
import { validateCommand } from './command-validation.ts';
import type { CallCommand, Decision, EngineContext } from './commands.ts';
import { parseDtmfDigits } from './dtmf-digits.ts';
import { effectiveTime } from './effective-time.ts';
import { EngineError } from './engine-error.ts';
import { callDtmfBody, participantBody } from './event-bodies.ts';
import {
  isPresent,
  PARTICIPANT_TRANSITIONS,
  type ParticipantCommandType,
  type ParticipantStanding,
  standingOf,
} from './participant-transitions.ts';

type ParticipantCommand = Extract<CallCommand, { type: ParticipantCommandType }>;
type DtmfCommand = Extract<CallCommand, { type: 'dtmf' }>;

/**
 * Applies one control command to a call (docs/contract.md §2). Either every change and event
 * of the command, or an error and nothing: the given `state` is never modified.
 */
export function applyCommand(state: CallState, cmd: CallCommand, ctx: EngineContext): Decision {
  const invalid = validateCommand(state.callId, cmd);
  if (invalid) return { ok: false, error: invalid };
  if (state.status === 'ended') return { ok: false, error: endedCallError(state, cmd) };
  const t = effectiveTime(state, ctx.now);

  switch (cmd.type) {
    case 'end': {
      const draft = new CallDraft(state, t, ctx.newId);
      draft.end('ended');
      return { ok: true, state: draft.state, events: draft.events };
    }
    case 'dtmf':
      return sendDtmf(state, cmd, t, ctx);
    default:
      return moveParticipant(state, cmd, t, ctx);
  }
}

function moveParticipant(
  state: CallState,
  cmd: ParticipantCommand,
  t: number,
  ctx: EngineContext,
): Decision {
  const transition = PARTICIPANT_TRANSITIONS[cmd.type];
  const from = standingOf(state.participants, cmd.userId);
  if (!(transition.from as readonly ParticipantStanding[]).includes(from)) {
    return {
      ok: false,
      error: transitionError(state, cmd.type, cmd.userId, from, transition.from),
    };
  }
  const draft = new CallDraft(state, t, ctx.newId);
  draft.setParticipant(cmd.userId, transition.to);
  if (transition.event) draft.emit(participantBody(transition.event, draft.state, cmd.userId));
  // The last one out ends the call (only after someone was invited: a fresh call waits).
  if (
    cmd.type === 'remove' &&
    draft.state.everInvited &&
    !draft.state.participants.some((p) => isPresent(p.state))
  ) {
    draft.end('last_participant_removed');
  }
  return { ok: true, state: draft.state, events: draft.events };
}

function sendDtmf(state: CallState, cmd: DtmfCommand, t: number, ctx: EngineContext): Decision {
  if (cmd.userId !== undefined) {
    const from = standingOf(state.participants, cmd.userId);
    if (from !== 'joined' && from !== 'paused') {
      return {
        ok: false,
        error: transitionError(state, 'dtmf', cmd.userId, from, ['joined', 'paused']),
      };
    }
  }
  const digits = parseDtmfDigits(cmd.digits);
  if (!digits.ok) throw new Error('unreachable: digits were validated');
  const draft = new CallDraft(state, t, ctx.newId);
  for (const symbol of digits.symbols) draft.emit(callDtmfBody(draft.state, symbol));
  return { ok: true, state: draft.state, events: draft.events };
}

function transitionError(
  state: CallState,
  command: CallCommand['type'],
  userId: string,
  from: ParticipantStanding,
  allowedFrom: readonly ParticipantStanding[],
): EngineError {
  const where = from === 'absent' ? 'not in the call' : from;
  return new EngineError(
    'invalid_transition',
    `cannot ${command} user ${JSON.stringify(userId)} in call ${state.callId}: the user is ${where}, ` +
      `and ${command} needs a user who is ${allowedFrom.join(' or ')}`,
    { callId: state.callId, userId, from, command, allowedFrom },
  );
}

function endedCallError(state: CallState, cmd: CallCommand): EngineError {
  const userId = 'userId' in cmd ? cmd.userId : undefined;
  return new EngineError(
    'invalid_transition',
    `call ${state.callId} has ended (${state.endReason}); it accepts no more commands — create a new call`,
    {
      callId: state.callId,
      ...(userId !== undefined && { userId, from: standingOf(state.participants, userId) }),
      command: cmd.type,
      status: state.status,
      endReason: state.endReason,
    },
  );
}
