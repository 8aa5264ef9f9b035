import type { BenchProfile, ScenarioId } from '../lib/bench-options.ts';
import type { Figure } from '../lib/figures.ts';
import type { ScenarioResult } from '../lib/results-file.ts';
import type { ServerFrom } from '../processes/server-process.ts';

// What every scenario gets and gives back.

export interface ScenarioContext {
  profile: BenchProfile;
  from: ServerFrom;
  /** A progress line for the person running the bench. */
  log(line: string): void;
  /** Results of the scenarios run before this one in the same invocation. */
  earlier: readonly ScenarioResult[];
}

export interface Scenario {
  id: ScenarioId;
  number: number;
  title: string;
  run(ctx: ScenarioContext): Promise<Omit<ScenarioResult, 'id' | 'number' | 'title'>>;
}

export function measured(
  settings: ScenarioResult['settings'],
  figures: Figure[],
  notes: string[] = [],
): Omit<ScenarioResult, 'id' | 'number' | 'title'> {
  return { status: 'measured', settings, figures, notes };
}

/** Not measured, and why; no figures, so no number can be mistaken for a measurement. */
export function notMeasured(
  status: 'not-available' | 'skipped' | 'failed',
  reason: string,
  settings: ScenarioResult['settings'] = {},
): Omit<ScenarioResult, 'id' | 'number' | 'title'> {
  return { status, reason, settings, figures: [], notes: [] };
}

/** Seconds → milliseconds, for time limits. */
export const ms = (seconds: number) => Math.round(seconds * 1000);
