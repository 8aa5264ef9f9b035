import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type UacStep, uacScenario } from './uac-scenario.ts';

// The sipp command line shared by the sipp tests (sipp.ts) and `npm run bench:sip`
// (bench/lib/sipp-load.ts): the scenario and the call list written into a folder, free SIP
// and media ports on the address sipp sends from, and its error log kept in that folder.
// No node:test here, so that the bench can load it.

export interface SippCall {
  /** The caller: the From user part, the userId of the participant. */
  user: string;
  /** The room dialled: the Request-URI user part. */
  room: string;
}

export interface SippCommand {
  target: { address: string; port: number };
  /** A folder of its own: the scenario, the call list and the error log go in it. */
  dir: string;
  steps: readonly UacStep[];
  /** Calls in order; each sipp call takes the next. */
  calls: readonly SippCall[];
  /** New calls per second. */
  rate: number;
  /** Calls in progress at once (default: sipp's). */
  limit?: number;
  /** `tcp`: sipp's `-t t1`, one TCP connection for all its calls (default udp). */
  transport?: 'udp' | 'tcp';
  /** The local address sipp sends from (its `-i`). */
  source: string;
  /** sipp gives up, failing, after this long (`-timeout … -timeout_error`). */
  timeoutSeconds: number;
}

/** Where sipp writes its error log (`-trace_err`). */
export const sippErrorsFile = (dir: string) => join(dir, 'errors.log');

/** Writes the scenario and the call list into `command.dir`; returns sipp's arguments. */
export async function sippArguments(command: SippCommand): Promise<string[]> {
  const { dir, calls, source } = command;
  const scenario = join(dir, 'uac.xml');
  const users = join(dir, 'calls.csv');
  writeFileSync(scenario, uacScenario(command.steps));
  writeFileSync(users, `SEQUENTIAL\n${calls.map((c) => `${c.user};${c.room};`).join('\n')}\n`);
  const [sipPort, mediaPort] = [await freeUdpPort(source), await freeUdpPort(source)];
  return [
    `${command.target.address}:${command.target.port}`,
    '-sf',
    scenario,
    '-inf',
    users,
    '-m',
    String(calls.length),
    '-r',
    String(command.rate),
    ...(command.limit ? ['-l', String(command.limit)] : []),
    ...(command.transport === 'tcp' ? ['-t', 't1'] : []),
    '-i',
    source,
    '-p',
    String(sipPort),
    '-mp',
    String(mediaPort),
    '-nostdin',
    '-trace_err',
    '-error_file',
    sippErrorsFile(dir),
    '-timeout',
    `${command.timeoutSeconds}s`,
    '-timeout_error',
  ];
}

/** Keeps the last `max` characters of what `child` writes on stdout and stderr together. */
export function outputTail(child: ChildProcess, max: number): () => string {
  let output = '';
  const keep = (d: string) => {
    output = (output + d).slice(-max);
  };
  child.stdout!.setEncoding('utf8').on('data', keep);
  child.stderr!.setEncoding('utf8').on('data', keep);
  return () => output;
}

/** A file's text, or '' when sipp did not write it. */
export function readIfWritten(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** A UDP port that was free a moment ago on `host`. */
export async function freeUdpPort(host = '127.0.0.1'): Promise<number> {
  const socket = createSocket('udp4');
  socket.bind(0, host);
  await once(socket, 'listening');
  const { port } = socket.address();
  socket.close();
  return port;
}
