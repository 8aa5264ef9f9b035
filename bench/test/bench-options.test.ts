import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROFILES, parseBenchArgs, SCENARIO_IDS, UsageError } from '../lib/bench-options.ts';

test('defaults: the full profile, every scenario, server from dist', () => {
  const o = parseBenchArgs([], '/out.json');
  assert.equal(o.profile, PROFILES.full);
  assert.deepEqual(o.only, [...SCENARIO_IDS]);
  assert.equal(o.from, 'dist');
  assert.equal(o.out, '/out.json');
});

test('--quick, --only by name or number (run in the issue’s order), --from, --out', () => {
  const o = parseBenchArgs(
    ['--quick', '--only', '5,ceiling,2', '--from', 'source', '--out', 'x.json'],
    '/d',
  );
  assert.equal(o.profile.mode, 'quick');
  assert.deepEqual(o.only, ['ceiling', 'ingest', 'memory']);
  assert.equal(o.from, 'source');
  assert.equal(o.out, 'x.json');
});

test('the relay ceiling is scenario 8: --only takes its number or its name', () => {
  assert.deepEqual(parseBenchArgs(['--only', '8'], '/d').only, ['relay-ceiling']);
  assert.deepEqual(parseBenchArgs(['--only', 'relay-ceiling,3,4'], '/d').only, [
    'end-to-end',
    'ratio',
    'relay-ceiling',
  ]);
});

test('the quick profile is smaller than the full one everywhere', () => {
  const { quick, full } = PROFILES;
  assert.ok(quick.repeats <= full.repeats && quick.windowSeconds < full.windowSeconds);
  assert.ok(quick.memoryCalls < full.memoryCalls && quick.backlogEvents < full.backlogEvents);
  assert.equal(full.memoryCalls, 100_000);
  assert.equal(full.backlogEvents, 200_000);
  assert.ok(full.repeats >= 3, 'medians of several runs');
});

test('--markdown names a results file to print, not to write', () => {
  const o = parseBenchArgs(['--markdown', 'bench/results/latest.json'], '/d');
  assert.equal(o.markdownOf, 'bench/results/latest.json');
  assert.equal(o.out, '/d');
  assert.equal(parseBenchArgs([], '/d').markdownOf, undefined);
});

test('usage errors', () => {
  for (const args of [
    ['--only', 'nine'],
    ['--only', '9'],
    ['--only', '0'],
    ['--from', 'npm'],
    ['--out'],
    ['--fast'],
  ]) {
    assert.throws(() => parseBenchArgs(args, '/d'), UsageError, args.join(' '));
  }
});
