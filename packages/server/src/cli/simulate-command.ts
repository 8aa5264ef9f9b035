import { randomInt } from 'node:crypto';
import type { Command } from 'commander';
import { parseDuration } from '../delivery/retry-schedule.ts';
import { formatProgress, formatSummary, summarize } from '../simulate/simulation-summary.ts';
import { runTraffic } from '../simulate/traffic-driver.ts';
import {
  DEFAULT_MIX,
  formatMix,
  MixError,
  parseMix,
  type TrafficMix,
} from '../simulate/traffic-mix.ts';
import { clientAction } from './api-client.ts';
import { type ClientOptions, clientFrom, withClientOptions } from './client-options.ts';
import { failWith } from './option-parsers.ts';

interface SimulateOptions extends ClientOptions {
  calls: string;
  concurrency: string;
  rate?: string;
  eventRate?: string;
  seed?: string;
  mix?: string;
  timeLimit: string;
}

export function registerSimulateCommand(program: Command): void {
  const command = program
    .command('simulate')
    .description(
      'drive a running server with realistic, seeded call traffic and report rates and latency',
    )
    .option('--calls <n>', 'how many calls to simulate', '1000')
    .option(
      '--concurrency <n>',
      'calls in progress at once (each call sends its commands in order)',
      '16',
    )
    .option('--rate <n>', 'offered load in commands/s (default: as fast as the concurrency allows)')
    .option(
      '--event-rate <n>',
      'offered load in events/s instead (each command counted by the events it emits)',
    )
    .option(
      '--seed <n>',
      'seed of the traffic (default: random, printed); the same seed makes the same calls',
    )
    .option('--mix <kind=weight,…>', 'proportions of call kinds', formatMix(DEFAULT_MIX))
    .option('--time-limit <duration>', 'start no call after this long (e.g. 30s, 10m)', '10m')
    .addHelpText(
      'after',
      `
Call kinds:
  one-to-one   two people talk; some hold (pause/unpause) a few times
  conference   a host and 2-7 guests; some never answer, some hold, leave, come back
  unanswered   invites nobody answers; the caller gives up or the ringing times out
  ivr          a caller keys DTMF menus and account numbers, maybe reaches an agent
Half the calls end by hang-up (POST …/end), the others by the last participant leaving.
Exit status 1 when any command failed.`,
    );
  withClientOptions(command).action(clientAction(simulate));
}

async function simulate(options: SimulateOptions): Promise<void> {
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
  const progressOut = !json && process.stderr.isTTY ? process.stderr : undefined;
  const result = await runTraffic({
    server: api.serverUrl,
    apiKey: options.apiKey!,
    calls,
    concurrency,
    seed,
    mix,
    timeLimitMs,
    ...(rate && { rate }),
    ...(progressOut && {
      onProgress: (p) => progressOut.write(`\r\x1b[K${formatProgress(p, calls)}`),
    }),
  });
  progressOut?.write('\r\x1b[K');
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
  if (result.commands.failed > 0) process.exitCode = 1;
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
