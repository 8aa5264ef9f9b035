// Latency samples and their percentiles: the one implementation used by `callhook simulate`
// and by bench/. Samples are kept exactly (8 bytes each, in a growing Float64Array) and sorted
// once at the end: a million commands cost 8 MB, and no bucketing error hides in p99.

export interface LatencySummary {
  count: number;
  /** Milliseconds; null when there are no samples. */
  min: number | null;
  mean: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/**
 * The nearest-rank percentile of ascending `sorted` values: the smallest value with at least
 * p% of the samples at or below it. p in [0, 100]; undefined for no samples.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number | undefined {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0-100, not ${p}`);
  const n = sorted.length;
  if (n === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return sorted[rank - 1];
}

/** The median of a few figures (the bench's runs); the mean of the middle two for an even count. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export class LatencyRecorder {
  private samples = new Float64Array(1024);
  private n = 0;

  get count(): number {
    return this.n;
  }

  record(ms: number): void {
    if (this.n === this.samples.length) {
      const bigger = new Float64Array(this.samples.length * 2);
      bigger.set(this.samples);
      this.samples = bigger;
    }
    this.samples[this.n++] = ms;
  }

  /** A sorted copy of the samples. */
  sorted(): Float64Array {
    return this.samples.slice(0, this.n).sort();
  }

  summary(): LatencySummary {
    return summarizeSorted(this.sorted());
  }
}

/** Percentiles of already sorted samples, rounded to microseconds for printing. */
export function summarizeSorted(sorted: ArrayLike<number>): LatencySummary {
  const n = sorted.length;
  const at = (p: number) => round3(percentile(sorted, p));
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  return {
    count: n,
    min: n === 0 ? null : round3(sorted[0]),
    mean: n === 0 ? null : round3(sum / n),
    p50: at(50),
    p95: at(95),
    p99: at(99),
    max: n === 0 ? null : round3(sorted[n - 1]),
  };
}

function round3(x: number | undefined): number | null {
  return x === undefined ? null : Math.round(x * 1000) / 1000;
}
