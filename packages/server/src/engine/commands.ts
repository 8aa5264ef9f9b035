import type { CallState, EngineConfig, EngineEvent } from './call-state.ts';
import type { EngineError } from './engine-error.ts';

/** What a caller can ask of a call (the control API and, later, SIP map onto these). */
export type CallCommand =
  | { type: 'invite'; userId: string }
  | { type: 'join'; userId: string }
  | { type: 'pause'; userId: string }
  | { type: 'unpause'; userId: string }
  | { type: 'remove'; userId: string }
  /** 1–32 DTMF symbols; one `call.dtmf` per symbol. `userId`, if given, must be joined or paused. */
  | { type: 'dtmf'; digits: string; userId?: string }
  | { type: 'end' };

export interface CreateCallCommand {
  callId: string;
  threadId: string;
  streamId: string;
}

/** Everything impure the engine needs, passed in: the time, id generation, limits. */
export interface EngineContext {
  now: number;
  newId: () => string;
  config: EngineConfig;
}

/** The result of a command: the new state and the events it caused, or an error and nothing. */
export type Decision =
  | { ok: true; state: CallState; events: EngineEvent[] }
  | { ok: false; error: EngineError };
