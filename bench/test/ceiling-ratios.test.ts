import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROFILES } from '../lib/bench-options.ts';
import { ceilingRatios } from '../lib/ceiling-ratios.ts';
import { machineInfo } from '../lib/machine-info.ts';
import { RESULTS_SCHEMA, resultsProblems, type ScenarioResult } from '../lib/results-file.ts';
import { formatResultsTable } from '../lib/results-table.ts';
import { checkTargets } from '../lib/targets.ts';
import { ratio } from '../scenarios/ratio.ts';

// Scenario 4: end to end over each ceiling — the undici ceiling (1) and the relay ceiling (8) —
// from medians of the same invocation; a ratio whose inputs are missing is not measured.

const measuredScenario = (id: ScenarioResult['id'], key: string, median: number) =>
  ({
    id,
    number: 0,
    title: id,
    status: 'measured',
    settings: {},
    notes: [],
    figures: [{ key, label: key, unit: 'events/s', median, runs: [median] }],
  }) satisfies ScenarioResult;

const ceiling = measuredScenario('ceiling', 'requestsPerSecond', 40_000);
const endToEnd = measuredScenario('end-to-end', 'saturatedEventsPerSecond', 3_000);
const relay = measuredScenario('relay-ceiling', 'saturatedEventsPerSecond', 6_000);
const context = (earlier: ScenarioResult[]) => ({
  profile: PROFILES.quick,
  from: 'source' as const,
  log: () => {},
  earlier,
});

test('end to end ÷ each ceiling, from their medians', () => {
  const r = ceilingRatios([ceiling, endToEnd, relay]);
  assert.equal(r.ratio, 3_000 / 40_000);
  assert.equal(r.relayRatio, 0.5);
  assert.equal(r.relayCeilingEventsPerSecond, 6_000);
});

test('a ratio without both of its medians is null, never estimated', () => {
  assert.deepEqual(ceilingRatios([ceiling, relay]), {
    endToEndEventsPerSecond: null,
    ceilingRequestsPerSecond: 40_000,
    relayCeilingEventsPerSecond: 6_000,
    ratio: null,
    relayRatio: null,
  });
  const failedRelay: ScenarioResult = { ...relay, status: 'failed', reason: 'x', figures: [] };
  assert.equal(ceilingRatios([endToEnd, failedRelay]).relayRatio, null);
  assert.equal(
    ceilingRatios([endToEnd, measuredScenario('relay-ceiling', 'x', 1)]).relayRatio,
    null,
  );
  assert.equal(
    ceilingRatios([endToEnd, measuredScenario('relay-ceiling', 'saturatedEventsPerSecond', 0)])
      .relayRatio,
    null,
  );
});

test('scenario 4 reports both ratios, and the relay target is checked at 0.5', async () => {
  const result = await ratio.run(context([ceiling, endToEnd, relay]));
  assert.equal(result.status, 'measured');
  const byKey = Object.fromEntries(result.figures.map((f) => [f.key, f.median]));
  assert.deepEqual(byKey, { ratio: 0.075, relayRatio: 0.5 });
  assert.deepEqual(result.notes, []);
  const scenarios = [{ ...result, id: 'ratio', number: 4, title: 'Ratio' }] as ScenarioResult[];
  const target = checkTargets(scenarios).find((t) => t.description.includes('relay'))!;
  assert.equal(target.target, '≥ 0.5 x');
  assert.equal(target.met, true);
});

test('without the relay ceiling, scenario 4 keeps the other ratio and says what is missing', async () => {
  const result = await ratio.run(context([ceiling, endToEnd]));
  assert.equal(result.status, 'measured');
  const relayRatio = result.figures.find((f) => f.key === 'relayRatio')!;
  assert.equal(relayRatio.median, null);
  assert.deepEqual(relayRatio.runs, []);
  assert.match(result.notes.join('\n'), /relay ceiling \(8\) was not measured/);
  assert.equal(result.settings.relayCeilingEventsPerSecond, undefined);

  const scenarios = [{ ...result, id: 'ratio', number: 4, title: 'Ratio' }] as ScenarioResult[];
  const results = {
    schema: RESULTS_SCHEMA,
    date: new Date().toISOString(),
    mode: 'quick',
    durationSeconds: 1,
    machine: machineInfo([0, 0, 0]),
    server: { from: 'source', version: '0.0.0' },
    processes: 'bench',
    scenarios,
    targets: checkTargets(scenarios),
  } as const;
  assert.deepEqual(resultsProblems(results), []);
  assert.equal(results.targets.find((t) => t.description.includes('relay'))!.met, null);
  assert.match(formatResultsTable(results), /end-to-end ÷ relay ceiling\s+-/);
});

test('without the end-to-end median, scenario 4 is not measured and carries no figure', async () => {
  const result = await ratio.run(context([ceiling, relay]));
  assert.equal(result.status, 'not-available');
  assert.match(result.reason!, /end-to-end \(3\)/);
  assert.deepEqual(result.figures, []);
});
