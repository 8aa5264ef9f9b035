import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FigureRuns } from '../lib/figures.ts';
import { machineInfo } from '../lib/machine-info.ts';
import {
  type BenchResults,
  RESULTS_SCHEMA,
  resultsProblems,
  writeResults,
} from '../lib/results-file.ts';
import { checkTargets } from '../lib/targets.ts';

// bench/results/latest.json has one documented shape, checked before every write: machine and
// date, every scenario with a status, medians with the runs they come from, and no figure on a
// scenario that was not measured.

function sampleResults(): BenchResults {
  const ceiling = new FigureRuns({ requestsPerSecond: { label: 'requests/s', unit: 'req/s' } });
  ceiling.add({ requestsPerSecond: 12_000 });
  ceiling.add({ requestsPerSecond: 11_000 });
  ceiling.add({ requestsPerSecond: 13_500 });
  const scenarios: BenchResults['scenarios'] = [
    {
      id: 'ceiling',
      number: 1,
      title: 'Ceiling',
      status: 'measured',
      settings: { concurrency: 64 },
      figures: ceiling.figures(),
      notes: [],
    },
    {
      id: 'end-to-end',
      number: 3,
      title: 'End to end',
      status: 'not-available',
      reason: 'delivery is not wired into serve',
      settings: {},
      figures: [],
      notes: [],
    },
  ];
  return {
    schema: RESULTS_SCHEMA,
    date: new Date('2026-01-02T03:04:05Z').toISOString(),
    mode: 'quick',
    durationSeconds: 95,
    machine: machineInfo([0.5, 0.4, 0.3]),
    server: { from: 'dist', version: '0.1.0' },
    processes: 'bench, server, receiver',
    scenarios,
    targets: checkTargets(scenarios),
  };
}

test('a results object from the bench’s own parts has the documented shape', () => {
  const results = sampleResults();
  assert.deepEqual(resultsProblems(results), []);
  const figure = results.scenarios[0]!.figures[0]!;
  assert.deepEqual(figure, {
    key: 'requestsPerSecond',
    label: 'requests/s',
    unit: 'req/s',
    median: 12_000,
    runs: [12_000, 11_000, 13_500],
  });
  assert.equal(typeof results.machine.cpuModel, 'string');
  assert.ok(results.machine.cores >= 1);
  assert.match(results.machine.node, /^v\d+\./);
});

test('written as JSON and read back, it still has the shape', () => {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-bench-test-'));
  try {
    const path = join(dir, 'nested', 'latest.json');
    writeResults(path, sampleResults());
    const read = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    assert.deepEqual(resultsProblems(read), []);
    assert.deepEqual(read, sampleResults() as unknown as Record<string, unknown>);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a scenario that was not measured may not carry numbers, and must say why', () => {
  const faked = sampleResults();
  faked.scenarios[1]!.figures = [
    { key: 'x', label: 'events/s', unit: 'events/s', median: 5000, runs: [5000] },
  ];
  assert.match(resultsProblems(faked).join(), /not-available but has figures/);

  const unexplained = sampleResults();
  delete unexplained.scenarios[1]!.reason;
  assert.match(resultsProblems(unexplained).join(), /without a reason/);
});

test('a median needs runs, and the machine and date must be there', () => {
  const bad = sampleResults() as unknown as Record<string, unknown>;
  const scenarios = bad.scenarios as BenchResults['scenarios'];
  scenarios[0]!.figures[0]!.runs = [];
  bad.date = 'yesterday';
  bad.machine = { cores: 2 };
  const problems = resultsProblems(bad).join('\n');
  assert.match(problems, /a median iff runs/);
  assert.match(problems, /date/);
  assert.match(problems, /machine needs/);
  assert.throws(
    () => writeResults('/nonexistent/x.json', bad as unknown as BenchResults),
    /documented shape/,
  );
});

test('targets: unmeasured figures are "not measured", never met', () => {
  const targets = sampleResults().targets;
  assert.ok(targets.length >= 6);
  for (const t of targets) {
    assert.equal(t.value, null);
    assert.equal(t.met, null);
  }
});
