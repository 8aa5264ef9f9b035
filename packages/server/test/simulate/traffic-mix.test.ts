import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Prng } from '../../src/simulate/prng.ts';
import { formatMix, MixError, parseMix, pickKind } from '../../src/simulate/traffic-mix.ts';

test('--mix takes any subset of kinds, in any order; the others get weight 0', () => {
  assert.deepEqual(parseMix('ivr=3, one-to-one=1'), {
    'one-to-one': 1,
    conference: 0,
    unanswered: 0,
    ivr: 3,
  });
  assert.equal(formatMix(parseMix('conference=20,one-to-one=50')), 'one-to-one=50,conference=20');
});

test('--mix rejects unknown kinds, bad weights, repeats and an all-zero mix', () => {
  for (const bad of [
    'video=1',
    'ivr',
    'ivr=-1',
    'ivr=x',
    'ivr=',
    'ivr=1=2',
    'ivr=1,ivr=2',
    'ivr=0',
  ]) {
    assert.throws(() => parseMix(bad), MixError, bad);
  }
});

test('kinds are drawn in proportion to their weights, and never with weight 0', () => {
  const rng = new Prng(1);
  const mix = parseMix('one-to-one=3,ivr=1');
  const counts = { 'one-to-one': 0, conference: 0, unanswered: 0, ivr: 0 };
  for (let i = 0; i < 20_000; i++) counts[pickKind(rng, mix)]++;
  assert.equal(counts.conference + counts.unanswered, 0);
  const share = counts['one-to-one'] / 20_000;
  assert.ok(share > 0.72 && share < 0.78, `one-to-one share ${share}`);
});

test('the generator is seeded: same seed, same numbers; ints stay within bounds', () => {
  const a = new Prng(123);
  const b = new Prng(123);
  for (let i = 0; i < 1000; i++) {
    const x = a.int(-3, 5);
    assert.equal(x, b.int(-3, 5));
    assert.ok(x >= -3 && x <= 5 && Number.isInteger(x));
  }
  assert.match(new Prng(5).hex(24), /^[0-9a-f]{24}$/);
});
