// `npm run bench` — starts everything itself on loopback, runs the scenarios of bench/README.md
// in one invocation (so ratios compare like with like), prints a table and writes
// bench/results/latest.json.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs, type ScenarioId, USAGE, UsageError } from './lib/bench-options.ts';
import { buildDist } from './lib/build-dist.ts';
import { deliveryUnavailable } from './lib/delivery-support.ts';
import { currentLoad, machineInfo } from './lib/machine-info.ts';
import {
  type BenchResults,
  RESULTS_SCHEMA,
  resultsProblems,
  type ScenarioResult,
  writeResults,
} from './lib/results-file.ts';
import { formatResultsMarkdown, formatResultsTable } from './lib/results-table.ts';
import { checkTargets } from './lib/targets.ts';
import { backlog } from './scenarios/backlog.ts';
import { baseline } from './scenarios/baseline.ts';
import { ceiling } from './scenarios/ceiling.ts';
import { endToEnd } from './scenarios/end-to-end.ts';
import { ingest } from './scenarios/ingest.ts';
import { memory } from './scenarios/memory.ts';
import { ratio } from './scenarios/ratio.ts';
import { relayCeiling } from './scenarios/relay-ceiling.ts';
import { notMeasured, type Scenario } from './scenarios/scenario.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PROCESSES =
  'bench process: load generator (callhook simulate traffic, undici) and the ceiling client; ' +
  'child 1: callhook serve (or the BullMQ baseline app, or the relay of scenario 8); ' +
  'child 2: the webhook receiver (node:http)';

// The relay ceiling (8) runs right after end to end (3), its twin, and before the ratios (4).
const SCENARIOS: Scenario[] = [
  ceiling,
  ingest,
  endToEnd,
  relayCeiling,
  ratio,
  memory,
  backlog,
  baseline,
];
const NEEDS_DELIVERY = new Set<ScenarioId>(['end-to-end', 'backlog']);
/** Scenarios that never start callhook's code: no build, no --help check for them alone. */
const NO_SERVER = new Set<ScenarioId>(['ceiling', 'relay-ceiling', 'ratio']);

async function main(): Promise<void> {
  let options: ReturnType<typeof parseBenchArgs>;
  try {
    options = parseBenchArgs(process.argv.slice(2), `${ROOT}bench/results/latest.json`);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`bench: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options.markdownOf !== undefined) {
    printMarkdown(options.markdownOf);
    return;
  }
  const { profile, from } = options;
  const started = Date.now();
  const loadAtStart = currentLoad();
  const log = (line: string) =>
    console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  log(
    `callhook bench, ${profile.mode} profile, server from ${from}; load average ${loadAtStart.join(' ')}`,
  );

  const needsServer = options.only.some((id) => !NO_SERVER.has(id));
  if (from === 'dist' && needsServer) buildDist('bench', log);
  const noDelivery = needsServer ? deliveryUnavailable(from) : undefined;
  if (noDelivery) log(`delivery scenarios not available: ${noDelivery}`);

  const results: ScenarioResult[] = [];
  for (const scenario of SCENARIOS) {
    const base = { id: scenario.id, number: scenario.number, title: scenario.title };
    if (!options.only.includes(scenario.id)) {
      results.push({ ...base, ...notMeasured('skipped', 'not selected with --only') });
      continue;
    }
    if (noDelivery && NEEDS_DELIVERY.has(scenario.id)) {
      results.push({ ...base, ...notMeasured('not-available', noDelivery) });
      continue;
    }
    log(`${scenario.number}. ${scenario.title}`);
    try {
      results.push({ ...base, ...(await scenario.run({ profile, from, log, earlier: results })) });
    } catch (error) {
      log(`${scenario.id} failed: ${(error as Error).stack ?? error}`);
      results.push({ ...base, ...notMeasured('failed', (error as Error).message.split('\n')[0]!) });
    }
  }

  const output: BenchResults = {
    schema: RESULTS_SCHEMA,
    date: new Date().toISOString(),
    mode: profile.mode,
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine: machineInfo(loadAtStart),
    server: { from, version: serverVersion() },
    processes: PROCESSES,
    scenarios: results,
    targets: checkTargets(results),
  };
  writeResults(options.out, output);
  console.log(`\n${formatResultsTable(output)}\n\nwritten to ${options.out}`);
  if (profile.mode === 'quick' && output.durationSeconds > 120) {
    console.log(
      `note: --quick took ${output.durationSeconds} s, over its 2-minute aim; load average now ${currentLoad().join(' ')} on ${output.machine.cores} cores`,
    );
  }
}

function printMarkdown(path: string): void {
  const results = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  const problems = resultsProblems(results);
  if (problems.length > 0) {
    console.error(`bench: ${path} is not a results file: ${problems.join('; ')}`);
    process.exit(1);
  }
  console.log(formatResultsMarkdown(results as BenchResults));
}

function serverVersion(): string {
  const pkg = JSON.parse(readFileSync(`${ROOT}packages/server/package.json`, 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

// Exit through process.exit so child processes are stopped on the way out (server-process.ts).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`bench: ${signal}, stopping`);
    process.exit(130);
  });
}
await main();
