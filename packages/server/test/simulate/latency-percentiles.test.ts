import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  LatencyRecorder,
  median,
  percentile,
  summarizeSorted,
} from '../../src/simulate/latency-recorder.ts';

// Nearest-rank percentiles: p99 of 100 samples is the 99th smallest, never an interpolation
// between two samples that nobody measured.

test('nearest-rank percentiles of 1..100', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(values, 50), 50);
  assert.equal(percentile(values, 95), 95);
  assert.equal(percentile(values, 99), 99);
  assert.equal(percentile(values, 100), 100);
  assert.equal(percentile(values, 0), 1);
});

test('percentiles of small and empty sets', () => {
  assert.equal(percentile([7], 99), 7);
  assert.equal(percentile([1, 2], 50), 1);
  assert.equal(percentile([1, 2], 51), 2);
  assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95), 10);
  assert.equal(percentile([], 50), undefined);
  assert.throws(() => percentile([1], 101), RangeError);
  assert.throws(() => percentile([1], Number.NaN), RangeError);
});

test('median of runs: middle value, or mean of the middle two', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([]), undefined);
});

test('the recorder keeps every sample, in any order, past its initial capacity', () => {
  const recorder = new LatencyRecorder();
  for (let i = 5000; i >= 1; i--) recorder.record(i / 10);
  const s = recorder.summary();
  assert.equal(s.count, 5000);
  assert.equal(s.min, 0.1);
  assert.equal(s.max, 500);
  assert.equal(s.p50, 250);
  assert.equal(s.p99, 495);
  assert.equal(s.mean, 250.05);
});

test('a summary of no samples has nulls, not zeros', () => {
  assert.deepEqual(summarizeSorted([]), {
    count: 0,
    min: null,
    mean: null,
    p50: null,
    p95: null,
    p99: null,
    max: null,
  });
});
