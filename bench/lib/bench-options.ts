import type { ServerFrom } from '../processes/server-process.ts';

// The bench's command line and its two profiles. --quick keeps every scenario but with smaller
// counts, shorter windows and fewer repeats, to finish in under two minutes.

// In the order of their numbers: `--only 8` is SCENARIO_IDS[7]. The run order is run.ts's.
export const SCENARIO_IDS = [
  'ceiling',
  'ingest',
  'end-to-end',
  'ratio',
  'memory',
  'backlog',
  'baseline',
  'relay-ceiling',
] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

export interface BenchProfile {
  mode: 'quick' | 'full';
  /** Runs per throughput figure (the median is reported). */
  repeats: number;
  /** Unmeasured traffic before each measured window (JIT, SQLite cache, connections). */
  warmupSeconds: number;
  /** Length of each measured window. */
  windowSeconds: number;
  /** Calls in flight at once from the load generator. */
  concurrency: number;
  /** In-flight POSTs of the ceiling's undici client. */
  ceilingConcurrency: number;
  memoryCalls: number;
  memoryRepeats: number;
  backlogEvents: number;
  backlogRepeats: number;
}

export const PROFILES: Record<BenchProfile['mode'], BenchProfile> = {
  quick: {
    mode: 'quick',
    repeats: 3,
    warmupSeconds: 0.5,
    windowSeconds: 1.5,
    concurrency: 64,
    ceilingConcurrency: 64,
    memoryCalls: 5_000,
    memoryRepeats: 1,
    backlogEvents: 10_000,
    backlogRepeats: 1,
  },
  full: {
    mode: 'full',
    repeats: 5,
    warmupSeconds: 2,
    windowSeconds: 10,
    concurrency: 64,
    ceilingConcurrency: 64,
    memoryCalls: 100_000,
    memoryRepeats: 3,
    backlogEvents: 200_000,
    backlogRepeats: 3,
  },
};

export interface BenchOptions {
  profile: BenchProfile;
  only: ScenarioId[];
  from: ServerFrom;
  out: string;
  /** Print the Markdown tables of this results file (for the README) and run nothing. */
  markdownOf?: string;
}

export class UsageError extends Error {
  readonly code = 'usage';
}

export const USAGE = `npm run bench -- [--quick] [--only <ids>] [--from dist|source] [--out <file>]
       npm run bench -- --markdown <results.json>

  --quick          smaller counts and fewer repeats (under 2 minutes)
  --only <ids>     comma-separated scenarios: ${SCENARIO_IDS.join(', ')} (or their numbers 1-${SCENARIO_IDS.length})
  --from <where>   run callhook serve from dist (default; built first) or from source (tsx)
  --out <file>     results file (default bench/results/latest.json)
  --markdown <f>   print the tables of results file <f> as Markdown (for bench/README.md)`;

export function parseBenchArgs(argv: readonly string[], defaultOut: string): BenchOptions {
  let mode: BenchProfile['mode'] = 'full';
  let only: ScenarioId[] = [...SCENARIO_IDS];
  let from: ServerFrom = 'dist';
  let out = defaultOut;
  let markdownOf: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--quick') mode = 'quick';
    else if (arg === '--only') only = parseOnly(value());
    else if (arg === '--from') {
      const v = value();
      if (v !== 'dist' && v !== 'source')
        throw new UsageError(`--from is dist or source, not '${v}'`);
      from = v;
    } else if (arg === '--out') out = value();
    else if (arg === '--markdown') markdownOf = value();
    else throw new UsageError(`unknown argument '${arg}'`);
  }
  return {
    profile: PROFILES[mode],
    only,
    from,
    out,
    ...(markdownOf !== undefined && { markdownOf }),
  };
}

function parseOnly(text: string): ScenarioId[] {
  const ids = text.split(',').map((part) => {
    const name = part.trim();
    const byNumber = /^\d+$/.test(name) ? SCENARIO_IDS[Number(name) - 1] : undefined;
    const id = byNumber ?? SCENARIO_IDS.find((s) => s === name);
    if (!id)
      throw new UsageError(`--only: unknown scenario '${name}' (${SCENARIO_IDS.join(', ')})`);
    return id;
  });
  return SCENARIO_IDS.filter((id) => ids.includes(id));
}
