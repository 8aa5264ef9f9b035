import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DTMF_SYMBOLS } from '@callhook/sdk';
import fc from 'fast-check';
import { applyCommand, callView, createCall, expireCall } from '../../src/engine/call-engine.ts';
import type { CallState, EngineConfig, EngineEvent } from '../../src/engine/call-state.ts';
import type { CallCommand } from '../../src/engine/commands.ts';
import {
  assertValidEvents,
  CALL_ID,
  endedDurations,
  idSequence,
  STREAM_ID,
  T0,
  THREAD_ID,
} from './engine-fixture.ts';
import { BAD_USER, ReferenceModel, USERS } from './reference-model.ts';

// Random command sequences, random clock steps (backwards too) and random expiry runs,
// checked step by step against the reference model (reference-model.ts): it predicts every
// outcome, is replayed from the events the engine actually emitted (plus accepted joins,
// which have no event), and recomputes dialog time by brute force from that log.

type Step = { dt: number } & (
  | { kind: 'command'; cmd: CallCommand }
  /** A move the user's standing allows (resolved against the model), to reach deep states. */
  | { kind: 'progress'; userId: string; pick: number }
  | { kind: 'expire' }
);

const userArb = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...USERS) },
  fc.constant(BAD_USER),
);
const digitsArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .array(fc.constantFrom(...DTMF_SYMBOLS), { minLength: 1, maxLength: 4 })
      .map((a) => a.join('')),
  },
  fc.constantFrom('', 'x', '1a', '9'.repeat(33), '5'.repeat(32)),
);
const commandArb: fc.Arbitrary<CallCommand> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ type: fc.constant('invite' as const), userId: userArb }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('join' as const), userId: userArb }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('pause' as const), userId: userArb }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('unpause' as const), userId: userArb }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('remove' as const), userId: userArb }) },
  {
    weight: 2,
    arbitrary: fc.record(
      { type: fc.constant('dtmf' as const), digits: digitsArb, userId: userArb },
      { requiredKeys: ['type', 'digits'] },
    ),
  },
  { weight: 1, arbitrary: fc.constant({ type: 'end' as const }) },
);
const dtArb = fc.oneof(
  { weight: 2, arbitrary: fc.integer({ min: -300, max: 0 }) },
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 2000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 40_000 }) },
);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ dt: dtArb, kind: fc.constant('command' as const), cmd: commandArb }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      dt: dtArb,
      kind: fc.constant('progress' as const),
      userId: fc.constantFrom(...USERS),
      pick: fc.nat(5),
    }),
  },
  { weight: 1, arbitrary: fc.record({ dt: dtArb, kind: fc.constant('expire' as const) }) },
);
const configArb: fc.Arbitrary<EngineConfig> = fc.record({
  idleTimeoutMs: fc.integer({ min: 1, max: 5000 }),
  maxDurationMs: fc.integer({ min: 1000, max: 200_000 }),
});

function runScenario(config: EngineConfig, steps: Step[]): void {
  const newId = idSequence();
  let now = T0;
  const created = createCall(
    { callId: CALL_ID, threadId: THREAD_ID, streamId: STREAM_ID },
    { now, newId, config },
  );
  assert.ok(created.ok);
  let state: CallState = created.state;
  const all: EngineEvent[] = [...created.events];
  const model = new ReferenceModel(T0);

  let stepsAfterEnd = 0;
  for (const step of steps) {
    // A few commands after the end suffice to show they are refused; more only cost time.
    if (model.ended && ++stepsAfterEnd > 3) break;
    now = Math.max(0, now + step.dt);
    const ctx = { now, newId, config };
    const snapshot = structuredClone(state);

    if (step.kind === 'expire') {
      const due = model.deadline(config);
      const result = expireCall(state, ctx);
      assert.deepEqual(state, snapshot, 'input never modified');
      if (due === null || due.at > now) {
        assert.equal(result.state, state);
        assert.deepEqual(result.events, []);
        continue;
      }
      const t = Math.max(due.at, model.lastT);
      assert.deepEqual(
        result.events.map((e) => [e.type, 'userId' in e.payload ? e.payload.userId : null]),
        model.endEvents(),
      );
      for (const e of result.events) model.replay(e, t);
      assert.equal(result.state.endReason, due.reason);
      model.lastT = t;
      state = result.state;
      all.push(...result.events);
    } else {
      const cmd = step.kind === 'command' ? step.cmd : model.legalMove(step.userId, step.pick);
      const expected = model.predict(cmd);
      const decision = applyCommand(state, cmd, ctx);
      assert.deepEqual(state, snapshot, 'input never modified');
      if (typeof expected === 'string') {
        assert.equal(decision.ok, false, `expected ${expected} for ${JSON.stringify(cmd)}`);
        if (!decision.ok) assert.equal(decision.error.code, expected);
        continue;
      }
      if (!decision.ok) assert.fail(`refused ${JSON.stringify(cmd)}: ${decision.error.message}`);
      const t = Math.max(now, model.lastT);
      assert.deepEqual(
        decision.events.map((e) => [e.type, 'userId' in e.payload ? e.payload.userId : null]),
        expected,
      );
      if (cmd.type === 'join') model.join(cmd.userId, t);
      for (const e of decision.events) model.replay(e, t);
      model.lastT = t;
      assert.equal(decision.state.updatedAt, t);
      state = decision.state;
      all.push(...decision.events);
    }

    // After every accepted change: dialog so far matches the brute force.
    const until = model.endedAt ?? model.lastT;
    assert.equal(callView(state, until).dialogDuration, model.bruteForceDialog(until));
    assert.deepEqual(
      callView(state).participants,
      [...model.users].map(([userId, s]) => ({ userId, state: s })),
    );
  }

  // Whole-history invariants.
  assertValidEvents(all);
  assert.deepEqual(
    all.map((e) => e.seq),
    all.map((_, i) => i + 1),
    'seq contiguous from 1',
  );
  assert.equal(state.lastSeq, all.length);
  assert.equal(all[0]!.type, 'call.created');
  assert.equal(new Set(all.map((e) => e.id)).size, all.length, 'event ids unique');
  for (let i = 1; i < all.length; i++) assert.ok(all[i]!.occurredAt >= all[i - 1]!.occurredAt);
  const endedCount = all.filter((e) => e.type === 'call.ended').length;
  assert.equal(endedCount, state.status === 'ended' ? 1 : 0);
  if (state.status === 'ended') {
    assert.equal(all.at(-1)!.type, 'call.ended', 'call.ended is last');
    const { dialogDuration, callDuration } = endedDurations(all);
    assert.equal(callDuration, state.endedAt! - state.createdAt);
    assert.equal(dialogDuration, model.bruteForceDialog(state.endedAt!));
    assert.ok(dialogDuration >= 0 && dialogDuration <= callDuration);
    assert.ok(Number.isInteger(dialogDuration) && Number.isInteger(callDuration));
  }
}

test('engine invariants hold over random command sequences, clocks and expiries', () => {
  fc.assert(
    fc.property(configArb, fc.array(stepArb, { maxLength: 60, size: 'max' }), (config, steps) => {
      runScenario(config, steps);
    }),
    { numRuns: 500 },
  );
});
