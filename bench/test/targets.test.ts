import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScenarioResult } from '../lib/results-file.ts';
import { checkTargets } from '../lib/targets.ts';

const scenario = (
  id: ScenarioResult['id'],
  figures: Record<string, number>,
  settings: ScenarioResult['settings'] = {},
): ScenarioResult => ({
  id,
  number: 0,
  title: id,
  status: 'measured',
  settings,
  notes: [],
  figures: Object.entries(figures).map(([key, median]) => ({
    key,
    label: key,
    unit: 'x',
    median,
    runs: [median],
  })),
});

const find = (targets: ReturnType<typeof checkTargets>, description: string) =>
  targets.find((t) => t.description.startsWith(description))!;

test('≥ and ≤ targets are met or not by the medians', () => {
  const targets = checkTargets([
    scenario('end-to-end', { saturatedEventsPerSecond: 5200, fixedP99: 25 }),
    scenario('ratio', { ratio: 0.3 }),
  ]);
  assert.equal(find(targets, 'end to end, sustained').met, true);
  assert.equal(find(targets, 'p99 latency').met, false);
  assert.equal(find(targets, 'end to end ÷ ceiling').met, false);
  assert.equal(find(targets, 'p99 latency').value, 25);
});

test('the memory target only counts a run with 100,000 calls', () => {
  const quick = checkTargets([scenario('memory', { rssMb: 120 }, { activeCalls: 10_000 })]);
  assert.equal(find(quick, 'RSS').met, null);
  const full = checkTargets([scenario('memory', { rssMb: 280 }, { activeCalls: 100_000 })]);
  assert.equal(find(full, 'RSS').met, true);
});

test('the backlog memory target compares the RSS after the drain with the RSS before', () => {
  const grown = checkTargets([scenario('backlog', { rssDrainedVsBefore: 2.7 })]);
  assert.equal(find(grown, 'RSS after the drain').met, false);
  const flat = checkTargets([scenario('backlog', { rssDrainedVsBefore: 1.15 })]);
  assert.equal(find(flat, 'RSS after the drain').met, true);
  assert.equal(find(flat, 'RSS after the drain').value, 1.15);
});
