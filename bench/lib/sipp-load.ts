import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fullCall } from '../../packages/server/test/sip/support/full-call.ts';
import {
  outputTail,
  readIfWritten,
  type SippCall,
  sippArguments,
  sippErrorsFile,
} from '../../packages/server/test/sip/support/sipp-command.ts';
import type { UacStep } from '../../packages/server/test/sip/support/uac-scenario.ts';

// Steady SIP load from Debian's sipp (package sip-tester): one or more sipp UACs, each from a
// loopback address of its own (127.0.0.1, 127.0.0.2, …), because callhook limits INVITEs per
// source address (50/s, docs/sip.md) and a trunk of several sources is what a higher rate
// looks like in the field. Each sipp writes every INVITE→200 time it measured (`-trace_rtt`,
// its own clock: the 200's arrival minus the INVITE's first send, retransmissions included)
// and its call counts (`-trace_stat`); both are read back after it exits.

/** The call each sipp call makes: the scenario of the must-show test of issue 14. */
export const BENCH_CALL: readonly UacStep[] = fullCall(200);

/** At most this many calls/s from one source address, below callhook's 50/s per source. */
export const MAX_RATE_PER_SOURCE = 40;

export type { SippCall };

export interface SippLoadOptions {
  target: { address: string; port: number };
  /** New calls per second, over every sipp together. */
  rate: number;
  /** Calls in all; split over the sipps in the order given. */
  calls: readonly SippCall[];
  /** `tcp`: each sipp on one TCP connection (`-t t1`); default udp. */
  transport?: 'udp' | 'tcp';
}

export interface SippInstanceResult {
  source: string;
  code: number | null;
  successful: number;
  failed: number;
  /** INVITE→200 times measured by sipp, ms. */
  inviteToOkMs: number[];
  /** When each 200 arrived (sipp's clock, ms since the epoch), in the order measured. */
  answeredAtMs: number[];
  /** sipp's error log and the tail of its output, when it failed. */
  errors: string;
}

export interface SippLoadResult {
  instances: SippInstanceResult[];
  wallSeconds: number;
}

/** How many sipps, and at what rate each, to offer `rate` calls/s. */
export function splitRate(rate: number): { sources: number; ratePerSource: number } {
  if (!(rate > 0)) throw new RangeError(`the call rate must be above 0, not ${rate}`);
  const sources = Math.ceil(rate / MAX_RATE_PER_SOURCE);
  return { sources, ratePerSource: rate / sources };
}

/** The loopback address of the `i`-th sipp (0-based): 127.0.0.1, 127.0.0.2, … */
export function sourceAddress(i: number): string {
  if (i < 0 || i > 253) throw new RangeError(`no loopback source for sipp ${i}`);
  return `127.0.0.${i + 1}`;
}

/** Runs the sipps at once and resolves when every one has exited. */
export async function runSippLoad(options: SippLoadOptions): Promise<SippLoadResult> {
  const { sources, ratePerSource } = splitRate(options.rate);
  const shares: SippCall[][] = Array.from({ length: sources }, () => []);
  for (const [i, call] of options.calls.entries()) shares[i % sources]!.push(call);
  const started = performance.now();
  const instances = await Promise.all(
    shares.map((calls, i) => runOneSipp(options, sourceAddress(i), ratePerSource, calls)),
  );
  return { instances, wallSeconds: (performance.now() - started) / 1000 };
}

async function runOneSipp(
  options: SippLoadOptions,
  source: string,
  rate: number,
  calls: readonly SippCall[],
): Promise<SippInstanceResult> {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-bench-sipp-'));
  try {
    const runSeconds = Math.ceil(calls.length / rate);
    const args = [
      ...(await sippArguments({
        target: options.target,
        dir,
        steps: BENCH_CALL,
        calls,
        rate,
        // No cap that could slow the rate: a call lasts well under a second.
        limit: Math.max(100, Math.ceil(options.rate * 10)),
        transport: options.transport,
        source,
        timeoutSeconds: runSeconds + 60,
      })),
      '-trace_rtt',
      '-rtt_freq',
      '1',
      '-trace_stat',
      '-stf',
      'stat.csv',
      '-fd',
      '1',
    ];
    const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = outputTail(child, 8_000);
    const killed = () => child.kill('SIGKILL');
    process.once('exit', killed);
    const [code] = (await Promise.race([
      once(child, 'exit'),
      once(child, 'error').then(([error]) => {
        throw new Error(`sipp could not start (apt-get install sip-tester): ${error}`);
      }),
    ])) as [number | null];
    process.off('exit', killed);
    const rtt = readRtt(dir);
    const counts = readStatCounts(readIfWritten(join(dir, 'stat.csv')));
    const errors =
      code === 0 ? '' : `${readIfWritten(sippErrorsFile(dir)).slice(0, 4000)}\n${output()}`;
    return { source, code, ...counts, ...rtt, errors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The `_rtt.csv` sipp wrote beside its scenario (its name carries sipp's pid). */
function readRtt(dir: string): { inviteToOkMs: number[]; answeredAtMs: number[] } {
  const file = readdirSync(dir).find((name) => name.endsWith('_rtt.csv'));
  return parseRttCsv(file ? readIfWritten(join(dir, file)) : '');
}

/**
 * sipp's `-trace_rtt` file: a header `Date_ms;response_time_ms;rtd_no`, then one line per
 * measure. Only rtd 1 is measured here (the INVITE's 200).
 */
export function parseRttCsv(text: string): { inviteToOkMs: number[]; answeredAtMs: number[] } {
  const inviteToOkMs: number[] = [];
  const answeredAtMs: number[] = [];
  for (const line of text.split('\n')) {
    const [date, ms, rtd] = line.trim().split(';');
    if (date === undefined || ms === undefined || !/^[\d.]+$/.test(date)) continue;
    if (rtd !== undefined && rtd !== '' && rtd !== '1' && rtd !== 'rtd1') continue;
    const at = Number(date);
    const value = Number(ms);
    if (Number.isFinite(at) && Number.isFinite(value)) {
      answeredAtMs.push(at);
      inviteToOkMs.push(value);
    }
  }
  return { inviteToOkMs, answeredAtMs };
}

/** The cumulative successful and failed call counts from the last line of sipp's `-trace_stat`. */
export function parseStatCounts(text: string): { successful: number; failed: number } {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]?.split(';') ?? [];
  const last = lines.at(-1)?.split(';') ?? [];
  const column = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0 || lines.length < 2) throw new Error(`sipp's statistics have no ${name} column`);
    return Number(last[i]);
  };
  return { successful: column('SuccessfulCall(C)'), failed: column('FailedCall(C)') };
}

function readStatCounts(text: string): { successful: number; failed: number } {
  try {
    return parseStatCounts(text);
  } catch {
    return { successful: 0, failed: Number.NaN }; // sipp wrote no statistics: it failed early
  }
}
