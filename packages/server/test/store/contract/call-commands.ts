import { randomUUID } from 'node:crypto';
import { applyCommand, createCall } from '../../../src/engine/call-engine.ts';
import {
  type CallState,
  DEFAULT_ENGINE_CONFIG,
  type EngineEvent,
} from '../../../src/engine/call-state.ts';
import type { CallCommand, Decision, EngineContext } from '../../../src/engine/commands.ts';
import type { CallStore } from '../../../src/store/port.ts';

// Calls for the contracts, made by the real engine and written through `runCommand`, the way
// the service does: the store sees states and events with the engine's semantics.

export const T0 = Date.UTC(2026, 0, 1);

function context(at: number): EngineContext {
  return { now: at, newId: randomUUID, config: DEFAULT_ENGINE_CONFIG };
}

function accepted(decision: Decision): { state: CallState; events: EngineEvent[] } {
  if (!decision.ok) throw decision.error;
  return { state: decision.state, events: decision.events };
}

export interface Written {
  state: CallState;
  events: EngineEvent[];
}

/** Creates a call (its `call.created` is seq 1); returns its state and events. */
export async function startCall(
  calls: CallStore,
  options: { callId?: string; threadId?: string; streamId?: string; at?: number } = {},
): Promise<Written> {
  const cmd = {
    callId: options.callId ?? randomUUID(),
    threadId: options.threadId ?? 'thread-1',
    streamId: options.streamId ?? 'stream-1',
  };
  return calls.runCommand(cmd.callId, (current) => {
    if (current) throw new Error(`call ${cmd.callId} exists`);
    const change = accepted(createCall(cmd, context(options.at ?? T0)));
    return { ...change, result: change };
  });
}

/** Applies one engine command to the call as it is in the store. */
export async function command(
  calls: CallStore,
  callId: string,
  cmd: CallCommand,
  at = T0,
): Promise<Written> {
  return calls.runCommand(callId, (current) => {
    if (!current) throw new Error(`no call ${callId}`);
    const change = accepted(applyCommand(current, cmd, context(at)));
    return { ...change, result: change };
  });
}

/** One `call.dtmf` per symbol. */
export function dtmf(calls: CallStore, callId: string, digits: string, at = T0) {
  return command(calls, callId, { type: 'dtmf', digits }, at);
}

/** Every event of the log, in log order. */
export async function allEvents(calls: CallStore) {
  return calls.readEvents({ limit: 10_000 });
}
