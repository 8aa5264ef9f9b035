import { randomInt } from 'node:crypto';
import { parseDuration } from '../delivery/retry-schedule.ts';
import { formatProgress, formatSummary, summarize } from '../simulate/simulation-summary.ts';
import { runTraffic, type TrafficProgress } from '../simulate/traffic-driver.ts';
import {
  DEFAULT_MIX,
  formatMix,
  MixError,
  parseMix,
  type TrafficMix,
} from '../simulate/traffic-mix.ts';
import { clientFrom } from './client-options.ts';
import { failWith } from './option-parsers.ts';
import type { SimulateOptions } from './simulate-command.ts';

// Runs `callhook simulate` (options in simulate-command.ts): progress on stderr every second,
// the summary on stdout, and on Ctrl-C the calls in progress ended before the summary.

/** The exit status of a simulation stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells use). */
export const INTERRUPTED_EXIT_CODE = 130;
const PROGRESS_INTERVAL_MS = 1000;

export async function simulate(options: SimulateOptions): Promise<void> {
  const calls = positiveInt('--calls', options.calls);
  const concurrency = positiveInt('--concurrency', options.concurrency);
  const rate = rateOption(options);
  const seed = options.seed === undefined ? randomInt(2 ** 31) : seedOption(options.seed);
  const mix = mixOption(options.mix);
  const timeLimitMs = durationOption('--time-limit', options.timeLimit);
  const api = clientFrom(options);
  // Fail fast, with the client's readable message, on a wrong URL or API key.
  await api.request('GET', '/v1/calls', { query: { limit: 1 } });

  const json = options.json === true;
  const progress = progressWriter(process.stderr, calls);
  const stopping = stopOnSignals(() => progress.note('interrupted: ending the calls in progress'));
  const result = await runTraffic({
    server: api.serverUrl,
    apiKey: options.apiKey!,
    calls,
    concurrency,
    seed,
    mix,
    timeLimitMs,
    ...(rate && { rate }),
    signal: stopping.signal,
    onProgress: progress.write,
    progressIntervalMs: PROGRESS_INTERVAL_MS,
  });
  progress.done();
  const summary = summarize(result, {
    server: api.server,
    seed,
    mix: formatMix(mix),
    concurrency,
    ...(rate && { rate }),
  });
  process.stdout.write(
    json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatSummary(summary)}\n`,
  );
  if (result.stoppedBy === 'interrupt') process.exitCode = INTERRUPTED_EXIT_CODE;
  else if (result.commands.failed > 0) process.exitCode = 1;
}

/**
 * Progress lines on stderr: on a terminal one line rewritten in place, elsewhere (a pipe, a
 * log file) one line per tick, so a reader sees progress without a terminal.
 */
function progressWriter(out: NodeJS.WriteStream, plannedCalls: number) {
  const tty = out.isTTY === true;
  let shown = false;
  const clear = () => {
    if (tty && shown) out.write('\r\x1b[K');
    shown = false;
  };
  return {
    write: (p: TrafficProgress) => {
      const line = formatProgress(p, plannedCalls);
      if (tty) {
        out.write(`\r\x1b[K${line}`);
        shown = true;
      } else {
        out.write(`${line}\n`);
      }
    },
    note: (text: string) => {
      clear();
      out.write(`callhook: ${text}\n`);
    },
    done: clear,
  };
}

/** The first SIGINT/SIGTERM aborts the run (which ends its calls); a second exits at once. */
function stopOnSignals(onStop: () => void): AbortController {
  const stopping = new AbortController();
  const stop = () => {
    if (stopping.signal.aborted) {
      process.stderr.write('callhook: interrupted again, exiting without ending the calls\n');
      process.exit(INTERRUPTED_EXIT_CODE);
    }
    stopping.abort();
    onStop();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return stopping;
}

function rateOption(options: SimulateOptions) {
  if (options.rate !== undefined && options.eventRate !== undefined) {
    failWith('give --rate (commands/s) or --event-rate (events/s), not both');
  }
  if (options.rate !== undefined) {
    return { perSecond: positiveNumber('--rate', options.rate), unit: 'commands' as const };
  }
  if (options.eventRate !== undefined) {
    return {
      perSecond: positiveNumber('--event-rate', options.eventRate),
      unit: 'events' as const,
    };
  }
  return undefined;
}

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1)
    failWith(`${flag} must be a whole number ≥ 1, not '${text}'`);
  return n;
}

function positiveNumber(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) failWith(`${flag} must be a number above 0, not '${text}'`);
  return n;
}

function seedOption(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffff_ffff) {
    failWith(`--seed must be a whole number from 0 to 4294967295, not '${text}'`);
  }
  return n;
}

function mixOption(text: string | undefined): TrafficMix {
  if (text === undefined) return DEFAULT_MIX;
  try {
    return parseMix(text);
  } catch (error) {
    return failWith(error instanceof MixError ? error.message : String(error));
  }
}

function durationOption(flag: string, text: string): number {
  try {
    const ms = parseDuration(text);
    if (ms > 0) return ms;
  } catch {
    // reported below
  }
  return failWith(`${flag} must be a duration above 0 such as 30s or 10m, not '${text}'`);
}
