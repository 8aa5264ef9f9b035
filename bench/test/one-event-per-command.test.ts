import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callScript } from '../../packages/server/src/simulate/call-script.ts';
import { DEFAULT_MIX } from '../../packages/server/src/simulate/traffic-mix.ts';
import { oneEventPerCommand } from '../lib/load.ts';

// The relay ceiling (8) runs scenario 3's calls, but its relay emits one event per command:
// the same steps in the same order, each expected (and paced) as one event.

test('the same commands in the same order, one event each', () => {
  for (let index = 0; index < 50; index++) {
    const script = callScript(3000, index, DEFAULT_MIX);
    const relayed = oneEventPerCommand(script);
    assert.deepEqual(
      relayed.steps.map(({ events: _, ...step }) => step),
      script.steps.map(({ events: _, ...step }) => step),
    );
    assert.ok(relayed.steps.every((step) => step.events === 1));
    assert.equal(relayed.events, script.steps.length);
    assert.equal(relayed.kind, script.kind);
  }
});

test('the script it was made from is left as it was', () => {
  // A DTMF "12#" emits three events; a call end one per participant present plus one.
  const script = callScript(3000, 7, DEFAULT_MIX);
  const before = JSON.stringify(script);
  oneEventPerCommand(script);
  assert.equal(JSON.stringify(script), before);
  assert.ok(
    Array.from({ length: 50 }, (_, i) => callScript(3000, i, DEFAULT_MIX)).some(
      (s) => s.events !== s.steps.length,
    ),
    'the default mix has commands that emit other than one event (else this test proves nothing)',
  );
});
