import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { applyCommand, createCall } from '../../src/engine/call-engine.ts';
import type { CallState } from '../../src/engine/call-state.ts';
import { DEFAULT_ENGINE_CONFIG } from '../../src/engine/call-state.ts';
import type { CallCommand, EngineContext } from '../../src/engine/commands.ts';
import { type CallScript, callScript } from '../../src/simulate/call-script.ts';
import type { ScriptStep } from '../../src/simulate/script-builder.ts';
import { CALL_KINDS, type CallKind, DEFAULT_MIX } from '../../src/simulate/traffic-mix.ts';

// The simulator must never send a command the contract rejects: a correct server answers its
// traffic with no 409. Every script is replayed through the real call engine (not the
// simulator's own bookkeeping), which must accept each step, emit exactly the events the
// script expects, and end the call on the last step.

const context = (now: number): EngineContext => ({
  now,
  newId: randomUUID,
  config: DEFAULT_ENGINE_CONFIG,
});

function toCommand(step: ScriptStep): CallCommand {
  switch (step.op) {
    case 'create':
      throw new Error('create is only ever the first step');
    case 'dtmf':
      return { type: 'dtmf', digits: step.digits, userId: step.userId };
    case 'end':
      return { type: 'end' };
    default:
      return { type: step.op, userId: step.userId };
  }
}

function replay(script: CallScript): void {
  const [create, ...rest] = script.steps;
  assert.equal(create?.op, 'create');
  if (create?.op !== 'create') return;
  let now = 1_700_000_000_000;
  const created = createCall(
    { callId: randomUUID(), threadId: create.threadId, streamId: create.streamId },
    context(now),
  );
  assert.ok(created.ok);
  let state: CallState = created.state;
  rest.forEach((step, i) => {
    assert.equal(state.status, 'active', `script ${script.index} step ${i + 1} after the end`);
    now += 250;
    const decision = applyCommand(state, toCommand(step), context(now));
    if (!decision.ok) {
      assert.fail(
        `script ${script.index} (${script.kind}) step ${i + 1} ${step.op}: ${decision.error.message}`,
      );
    }
    assert.equal(
      decision.events.length,
      step.events,
      `events of ${step.op} in script ${script.index}`,
    );
    state = decision.state;
  });
  assert.equal(
    state.status,
    'ended',
    `script ${script.index} (${script.kind}) left the call active`,
  );
  assert.equal(state.lastSeq, script.events);
}

for (const kind of CALL_KINDS) {
  test(`${kind} scripts are valid calls from create to end`, () => {
    const mix = { 'one-to-one': 0, conference: 0, unanswered: 0, ivr: 0, [kind]: 1 } as Record<
      CallKind,
      number
    >;
    for (let i = 0; i < 500; i++) replay(callScript(11, i, mix));
  });
}

test('scripts of many seeds with the default mix are valid', () => {
  for (let seed = 0; seed < 20; seed++) {
    for (let i = 0; i < 100; i++) replay(callScript(seed, i, DEFAULT_MIX));
  }
});
