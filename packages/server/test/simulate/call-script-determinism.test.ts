import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callScript, STREAM_COUNT, streamIdOf } from '../../src/simulate/call-script.ts';
import { CALL_KINDS, DEFAULT_MIX } from '../../src/simulate/traffic-mix.ts';

// `--seed S` makes the same traffic every time: each call's script is a pure function of
// (seed, index, mix), whatever order or concurrency the calls run in.

const scripts = (seed: number, count: number) =>
  Array.from({ length: count }, (_, i) => callScript(seed, i, DEFAULT_MIX));

test('the same seed gives the same scripts', () => {
  assert.deepEqual(scripts(42, 500), scripts(42, 500));
});

test('a script does not depend on which other scripts were made before it', () => {
  const all = scripts(42, 300);
  for (const i of [299, 0, 150, 7]) assert.deepEqual(callScript(42, i, DEFAULT_MIX), all[i]);
});

test('different seeds give different traffic', () => {
  const a = JSON.stringify(scripts(1, 50));
  const b = JSON.stringify(scripts(2, 50));
  assert.notEqual(a, b);
});

test('every kind of the default mix appears, and the streams are the seed’s few', () => {
  const all = scripts(9, 1000);
  for (const kind of CALL_KINDS) {
    assert.ok(
      all.some((s) => s.kind === kind),
      `no ${kind} call in 1000`,
    );
  }
  const streams = new Set(Array.from({ length: STREAM_COUNT }, (_, n) => streamIdOf(9, n)));
  for (const s of all) {
    const create = s.steps[0]!;
    assert.equal(create.op, 'create');
    if (create.op === 'create') assert.ok(streams.has(create.streamId));
  }
});

test('conferences have at most 8 participants', () => {
  for (const s of scripts(5, 2000).filter((x) => x.kind === 'conference')) {
    const users = new Set(s.steps.flatMap((step) => ('userId' in step ? [step.userId] : [])));
    assert.ok(users.size >= 3 && users.size <= 8, `conference with ${users.size} users`);
  }
});

test('a script’s event total is the sum of its steps', () => {
  for (const s of scripts(3, 200)) {
    assert.equal(
      s.events,
      s.steps.reduce((sum, step) => sum + step.events, 0),
    );
  }
});
