import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ScenarioId } from './bench-options.ts';
import type { Figure } from './figures.ts';
import type { MachineInfo } from './machine-info.ts';

// The shape of bench/results/latest.json, and the check every results file passes before it
// is written. Versioned by `schema`, so a reader can tell a future shape from this one.

export const RESULTS_SCHEMA = 'callhook-bench/1';

export type ScenarioStatus = 'measured' | 'not-available' | 'skipped' | 'failed';

export interface ScenarioResult {
  id: ScenarioId;
  /** 1-7 as the issue numbers them; 8, the relay ceiling, added after. */
  number: number;
  title: string;
  status: ScenarioStatus;
  /** Why it is not measured (not-available, skipped, failed). */
  reason?: string;
  /** What was run: counts, windows, concurrency, repeats. */
  settings: Record<string, string | number | boolean>;
  figures: Figure[];
  notes: string[];
}

export interface TargetCheck {
  description: string;
  /** e.g. `≥ 5000 events/s` */
  target: string;
  value: number | null;
  unit: string;
  /** null when the figure was not measured. */
  met: boolean | null;
}

export interface BenchResults {
  schema: typeof RESULTS_SCHEMA;
  date: string;
  mode: 'quick' | 'full';
  durationSeconds: number;
  machine: MachineInfo;
  server: { from: 'dist' | 'source'; version: string };
  /** The process layout, in words (the README explains it). */
  processes: string;
  scenarios: ScenarioResult[];
  targets: TargetCheck[];
}

/** What is wrong with a results object; empty when it has the shape above. */
export function resultsProblems(value: unknown): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  if (!isRecord(value)) return ['not an object'];
  need(value.schema === RESULTS_SCHEMA, `schema is not ${RESULTS_SCHEMA}`);
  need(
    typeof value.date === 'string' && !Number.isNaN(Date.parse(value.date)),
    'date is not an ISO date',
  );
  need(value.mode === 'quick' || value.mode === 'full', 'mode is not quick or full');
  need(typeof value.durationSeconds === 'number', 'durationSeconds is not a number');
  const m = value.machine;
  need(
    isRecord(m) &&
      typeof m.cpuModel === 'string' &&
      Number.isInteger(m.cores) &&
      typeof m.node === 'string' &&
      isRecord(m.loadAverage),
    'machine needs cpuModel, cores, node and loadAverage',
  );
  need(isRecord(value.server) && typeof value.server.version === 'string', 'server needs version');
  if (!Array.isArray(value.scenarios)) problems.push('scenarios is not a list');
  else {
    value.scenarios.forEach((s, i) => {
      problems.push(...scenarioProblems(s, `scenarios[${i}]`));
    });
  }
  if (!Array.isArray(value.targets)) problems.push('targets is not a list');
  else {
    value.targets.forEach((t, i) => {
      need(
        isRecord(t) &&
          typeof t.description === 'string' &&
          typeof t.target === 'string' &&
          (t.value === null || typeof t.value === 'number') &&
          (t.met === null || typeof t.met === 'boolean') &&
          (t.value !== null || t.met === null),
        `targets[${i}] needs description, target, value (number|null), met (null when value is)`,
      );
    });
  }
  return problems;
}

function scenarioProblems(s: unknown, at: string): string[] {
  if (!isRecord(s)) return [`${at} is not an object`];
  const problems: string[] = [];
  if (typeof s.id !== 'string' || typeof s.title !== 'string' || !Number.isInteger(s.number)) {
    problems.push(`${at} needs id, number and title`);
  }
  const statuses = ['measured', 'not-available', 'skipped', 'failed'];
  if (!statuses.includes(s.status as string))
    problems.push(`${at}.status is not one of ${statuses}`);
  if (s.status !== 'measured' && typeof s.reason !== 'string') {
    problems.push(`${at} is ${String(s.status)} without a reason`);
  }
  if (!Array.isArray(s.figures)) return [...problems, `${at}.figures is not a list`];
  s.figures.forEach((f, j) => {
    const ok =
      isRecord(f) &&
      typeof f.key === 'string' &&
      typeof f.label === 'string' &&
      typeof f.unit === 'string' &&
      Array.isArray(f.runs) &&
      f.runs.every((r) => typeof r === 'number') &&
      (f.median === null ? f.runs.length === 0 : typeof f.median === 'number' && f.runs.length > 0);
    if (!ok)
      problems.push(`${at}.figures[${j}] needs key, label, unit, runs, and a median iff runs`);
  });
  // A scenario that was not measured carries no numbers at all: never a made-up figure.
  if (s.status !== 'measured' && s.figures.some((f) => isRecord(f) && f.median !== null)) {
    problems.push(`${at} is ${String(s.status)} but has figures`);
  }
  return problems;
}

export function writeResults(path: string, results: BenchResults): void {
  const problems = resultsProblems(results);
  if (problems.length > 0)
    throw new Error(`results do not have the documented shape: ${problems.join('; ')}`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
