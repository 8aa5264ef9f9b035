// The soak's numbers from its samples (pure, so bench/test can check it): which samples were
// taken once the retention window was full, and the range of each size over them.

export interface SoakSample {
  /** Seconds since the load started. */
  atSeconds: number;
  dbBytes: number;
  walBytes: number;
  /** Events the receiver took since the previous sample, per second. */
  deliveredPerSecond: number;
  /** Age of the oldest event `GET /v1/events` returns, in seconds; null if none. */
  oldestReadableSeconds: number | null;
}

export interface Range {
  min: number;
  max: number;
}

export interface SoakSummary {
  /** From this many seconds into the load the window is full (retention + two sweeps). */
  fullFromSeconds: number;
  samples: number;
  db: Range;
  wal: Range;
  total: Range;
  oldestReadableSeconds: Range | null;
}

/**
 * The window is full once the first events have aged past the retention and a sweep or two
 * has run: `retention + 2 × sweep interval`. Null if no sample was taken after that.
 */
export function summarizeSoak(
  samples: readonly SoakSample[],
  retentionMs: number,
  sweepIntervalMs: number,
): SoakSummary | null {
  const fullFromSeconds = (retentionMs + 2 * sweepIntervalMs) / 1000;
  const full = samples.filter((s) => s.atSeconds >= fullFromSeconds);
  if (full.length === 0) return null;
  const ages = full.flatMap((s) =>
    s.oldestReadableSeconds === null ? [] : [s.oldestReadableSeconds],
  );
  return {
    fullFromSeconds,
    samples: full.length,
    db: range(full.map((s) => s.dbBytes)),
    wal: range(full.map((s) => s.walBytes)),
    total: range(full.map((s) => s.dbBytes + s.walBytes)),
    oldestReadableSeconds: ages.length > 0 ? range(ages) : null,
  };
}

function range(values: readonly number[]): Range {
  return { min: Math.min(...values), max: Math.max(...values) };
}

/** `500ms`, `2s`, `5m`, `1h`, `1d` → milliseconds (the forms the soak passes to --retention). */
export function durationMs(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: ${JSON.stringify(text)} (e.g. 500ms, 5s, 2m)`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms'];
  return Math.round(Number(match[1]) * unit);
}

export const megabytes = (bytes: number) => (bytes / 2 ** 20).toFixed(2);
