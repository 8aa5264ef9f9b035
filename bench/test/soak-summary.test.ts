import assert from 'node:assert/strict';
import { test } from 'node:test';
import { durationMs, type SoakSample, summarizeSoak } from '../scenarios/soak-summary.ts';

const sample = (atSeconds: number, dbBytes: number, walBytes: number, oldest: number | null) =>
  ({
    atSeconds,
    dbBytes,
    walBytes,
    deliveredPerSecond: 300,
    oldestReadableSeconds: oldest,
  }) satisfies SoakSample;

test('the soak summary covers only samples taken once the window is full', () => {
  const samples = [
    sample(1, 100, 10, 1),
    sample(4, 900, 90, 4), // before retention 3 s + 2 sweeps of 1 s
    sample(5, 500, 40, 3.1),
    sample(6, 400, 60, 3.0),
    sample(7, 450, 20, null),
  ];
  assert.deepEqual(summarizeSoak(samples, 3_000, 1_000), {
    fullFromSeconds: 5,
    samples: 3,
    db: { min: 400, max: 500 },
    wal: { min: 20, max: 60 },
    total: { min: 460, max: 540 },
    oldestReadableSeconds: { min: 3.0, max: 3.1 },
  });
});

test('no sample after the window filled gives no summary, and no readable event no age', () => {
  assert.equal(summarizeSoak([sample(1, 1, 1, 1)], 3_000, 1_000), null);
  assert.equal(summarizeSoak([sample(9, 1, 1, null)], 3_000, 1_000)?.oldestReadableSeconds, null);
});

test('durations for --retention', () => {
  assert.equal(durationMs('500ms'), 500);
  assert.equal(durationMs('3s'), 3_000);
  assert.equal(durationMs('1.5m'), 90_000);
  assert.equal(durationMs('1d'), 86_400_000);
  assert.throws(() => durationMs('5'), /not a duration: "5"/);
});
