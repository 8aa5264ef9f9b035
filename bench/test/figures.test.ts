import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FigureRuns } from '../lib/figures.ts';

test('each figure is the median of its runs, and keeps the runs', () => {
  const runs = new FigureRuns({
    rate: { label: 'events/s', unit: 'events/s' },
    p99: { label: 'p99', unit: 'ms' },
  });
  runs.add({ rate: 5100.4, p99: 12.3456 });
  runs.add({ rate: 4900.6, p99: 30.1 });
  runs.add({ rate: 5000.2, p99: 11.9 });
  const [rate, p99] = runs.figures();
  assert.deepEqual(rate, {
    key: 'rate',
    label: 'events/s',
    unit: 'events/s',
    median: 5000,
    runs: [5100, 4901, 5000],
  });
  assert.equal(p99!.median, 12.35);
  assert.deepEqual(p99!.runs, [12.35, 30.1, 11.9]);
});

test('a run that did not produce a figure is left out of its median', () => {
  const runs = new FigureRuns({ x: { label: 'x', unit: 'ms' }, y: { label: 'y', unit: 'ms' } });
  runs.add({ x: 1 });
  runs.add({ x: 3, y: null });
  runs.add({ x: Number.NaN, y: 0.12345 });
  const [x, y] = runs.figures();
  assert.deepEqual(x!.runs, [1, 3]);
  assert.equal(x!.median, 2);
  assert.deepEqual(y!.runs, [0.123]);
});

test('a figure no run produced has a null median and no runs', () => {
  const runs = new FigureRuns({ x: { label: 'x', unit: 'ms' } });
  assert.deepEqual(runs.figures()[0], { key: 'x', label: 'x', unit: 'ms', median: null, runs: [] });
  assert.equal(runs.median('x'), null);
});
