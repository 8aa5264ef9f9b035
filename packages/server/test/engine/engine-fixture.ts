// Shared helpers for the engine tests: a deterministic context, and checks that every
// emitted event is a valid body of the SDK's schema with its fields in table order.
import assert from 'node:assert/strict';
import { callEventSchema } from '@callhook/sdk';
import { applyCommand, createCall } from '../../src/engine/call-engine.ts';
import type { CallState, EngineConfig, EngineEvent } from '../../src/engine/call-state.ts';
import { DEFAULT_ENGINE_CONFIG } from '../../src/engine/call-state.ts';
import type { CallCommand, Decision, EngineContext } from '../../src/engine/commands.ts';
import type { EngineErrorCode } from '../../src/engine/engine-error.ts';

export const CALL_ID = '522a2f93-4463-4040-8176-947b2c77bd0f';
export const THREAD_ID = '595b405b81d3f8001497603d';
export const STREAM_ID = '5a5f27c9e0ab3e001455d10e';
export const T0 = Date.UTC(2026, 0, 1);

/** Event ids 00000000-0000-4000-8000-000000000001, …2, … in order of asking. */
export function idSequence(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
}

export function makeContext(
  now: number,
  newId: () => string = idSequence(),
  config: EngineConfig = DEFAULT_ENGINE_CONFIG,
): EngineContext {
  return { now, newId, config };
}

/** Every payload parses with the SDK schema, unchanged and with keys in the schema's order. */
export function assertValidEvents(events: readonly EngineEvent[]): void {
  for (const event of events) {
    const parsed = callEventSchema.parse(event.payload);
    assert.deepEqual(parsed, event.payload);
    assert.deepEqual(Object.keys(event.payload), Object.keys(parsed), 'fields in table order');
    assert.equal(event.type, event.payload.eventType);
    assert.equal(event.callId, event.payload.callId);
  }
}

export function expectOk(decision: Decision): { state: CallState; events: EngineEvent[] } {
  if (!decision.ok)
    assert.fail(`expected success, got ${decision.error.code}: ${decision.error.message}`);
  assertValidEvents(decision.events);
  return decision;
}

export function expectError(decision: Decision, code: EngineErrorCode) {
  if (decision.ok) return assert.fail(`expected ${code}, got success`);
  assert.equal(decision.error.code, code, decision.error.message);
  return decision.error;
}

/** The durations carried by the `call.ended` among `events`. */
export function endedDurations(events: readonly EngineEvent[]) {
  const ended = events.find((e) => e.payload.eventType === 'call.ended')?.payload;
  if (ended?.eventType !== 'call.ended') return assert.fail('no call.ended among the events');
  return { dialogDuration: ended.dialogDuration, callDuration: ended.callDuration };
}

/** A call created at `at`, plus the commands applied in order at the same instant. */
export function callWith(
  commands: readonly CallCommand[],
  at = T0,
  config: EngineConfig = DEFAULT_ENGINE_CONFIG,
): CallState {
  const ctx = makeContext(at, idSequence(), config);
  let state = expectOk(
    createCall({ callId: CALL_ID, threadId: THREAD_ID, streamId: STREAM_ID }, ctx),
  ).state;
  for (const cmd of commands) state = expectOk(applyCommand(state, cmd, ctx)).state;
  return state;
}
