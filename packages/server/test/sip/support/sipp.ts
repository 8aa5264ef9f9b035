import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { reapAtEnd } from '../../support/child-reaper.ts';
import { type UacStep, uacScenario } from './uac-scenario.ts';

// Runs Debian's sipp (package sip-tester) against a SIP address on loopback, on ports picked
// free at test time. Resolves once sipp has exited; a non-zero exit carries its error log.

export interface SippCall {
  /** The caller: the From user part, the userId of the participant. */
  user: string;
  /** The room dialled: the Request-URI user part. */
  room: string;
}

export interface SippRun {
  /** Calls in order; each sipp call takes the next. */
  calls: readonly SippCall[];
  steps: readonly UacStep[];
  /** New calls per second (default 10). */
  rate?: number;
  /** Calls in progress at once (default: sipp's). */
  limit?: number;
  /** `tcp`: sipp's `-t t1`, one TCP connection for all its calls (default udp). */
  transport?: 'udp' | 'tcp';
}

export interface SippResult {
  code: number | null;
  errors: string;
  stdout: string;
}

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A UDP port that was free a moment ago on 127.0.0.1. */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const { port } = socket.address();
  socket.close();
  return port;
}

export async function runSipp(
  target: { address: string; port: number },
  run: SippRun,
): Promise<SippResult> {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-sipp-'));
  dirs.push(dir);
  const scenario = join(dir, 'uac.xml');
  const users = join(dir, 'calls.csv');
  const errorFile = join(dir, 'errors.log');
  writeFileSync(scenario, uacScenario(run.steps));
  writeFileSync(users, `SEQUENTIAL\n${run.calls.map((c) => `${c.user};${c.room};`).join('\n')}\n`);
  const [sipPort, mediaPort] = [await freeUdpPort(), await freeUdpPort()];
  const args = [
    `${target.address}:${target.port}`,
    '-sf',
    scenario,
    '-inf',
    users,
    '-m',
    String(run.calls.length),
    '-r',
    String(run.rate ?? 10),
    ...(run.limit ? ['-l', String(run.limit)] : []),
    ...(run.transport === 'tcp' ? ['-t', 't1'] : []),
    '-i',
    '127.0.0.1',
    '-p',
    String(sipPort),
    '-mp',
    String(mediaPort),
    '-nostdin',
    '-trace_err',
    '-error_file',
    errorFile,
    '-timeout',
    '60s',
    '-timeout_error',
  ];
  const child = reapAtEnd(spawn('sipp', args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout = (stdout + d).slice(-20_000);
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stdout = (stdout + d).slice(-20_000);
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  let errors = '';
  try {
    errors = readFileSync(errorFile, 'utf8');
  } catch {
    // no errors written
  }
  return { code, errors, stdout };
}
