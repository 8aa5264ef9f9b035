import { CallDraft } from './call-draft.ts';
import type { CallState } from './call-state.ts';
import { validateCreateCall } from './command-validation.ts';
import type { CreateCallCommand, Decision, EngineContext } from './commands.ts';
import { assertClockReading } from './effective-time.ts';
import { callCreatedBody } from './event-bodies.ts';

/** Starts a call: an active state with nobody in it yet, and `call.created` as seq 1. */
export function createCall(cmd: CreateCallCommand, ctx: EngineContext): Decision {
  const invalid = validateCreateCall(cmd);
  if (invalid) return { ok: false, error: invalid };
  assertClockReading(ctx.now);
  const initial: CallState = {
    callId: cmd.callId,
    threadId: cmd.threadId,
    streamId: cmd.streamId,
    status: 'active',
    createdAt: ctx.now,
    endedAt: null,
    endReason: null,
    lastSeq: 0,
    updatedAt: ctx.now,
    participants: [],
    everInvited: false,
    dialogMs: 0,
    dialogSince: null,
    // Empty from birth: the idle timeout runs until someone is invited.
    idleSince: ctx.now,
  };
  const draft = new CallDraft(initial, ctx.now, ctx.newId);
  draft.emit(callCreatedBody(draft.state));
  return { ok: true, state: draft.state, events: draft.events };
}
