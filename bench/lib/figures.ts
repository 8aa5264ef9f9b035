import { median } from '../../packages/server/src/simulate/latency-recorder.ts';

// A scenario is run several times; each figure it reports is the median of its runs, and the
// runs themselves are kept in the results so the spread is visible.

export interface Figure {
  /** Stable key within its scenario, e.g. `eventsPerSecond`. */
  key: string;
  /** What the table prints, e.g. `events/s at saturation`. */
  label: string;
  unit: FigureUnit;
  /** Median of `runs`; null when no run produced the figure. */
  median: number | null;
  runs: number[];
}

export type FigureUnit =
  | 'req/s'
  | 'commands/s'
  | 'events/s'
  | 'ms'
  | 'MB'
  | 'KB'
  | 'x'
  | 's'
  | 'count';

export interface FigureSpec {
  label: string;
  unit: FigureUnit;
}

/** Collects the figures of several runs, keyed; `figures()` gives them in spec order. */
export class FigureRuns<K extends string> {
  private readonly values = new Map<K, number[]>();

  constructor(private readonly specs: Readonly<Record<K, FigureSpec>>) {}

  /** Records one run; a figure left out (or null) counts as not measured in that run. */
  add(run: Partial<Record<K, number | null>>): void {
    for (const key of Object.keys(this.specs) as K[]) {
      const value = run[key];
      if (value === undefined || value === null || !Number.isFinite(value)) continue;
      const list = this.values.get(key) ?? [];
      list.push(value);
      this.values.set(key, list);
    }
  }

  median(key: K): number | null {
    return median(this.values.get(key) ?? []) ?? null;
  }

  figures(): Figure[] {
    return (Object.entries(this.specs) as [K, FigureSpec][]).map(([key, spec]) => {
      const runs = (this.values.get(key) ?? []).map(round);
      return { key, label: spec.label, unit: spec.unit, median: round(this.median(key)), runs };
    });
  }
}

/** 3 significant decimals for ms and ratios, whole numbers for rates and sizes. */
function round<T extends number | null>(x: T): T {
  if (x === null) return x;
  const digits = Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 1 ? 2 : 3;
  const f = 10 ** digits;
  return (Math.round(x * f) / f) as T;
}
