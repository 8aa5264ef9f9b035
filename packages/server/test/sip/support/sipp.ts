import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { reapAtEnd } from '../../support/child-reaper.ts';
import {
  outputTail,
  readIfWritten,
  type SippCall,
  sippArguments,
  sippErrorsFile,
} from './sipp-command.ts';
import type { UacStep } from './uac-scenario.ts';

// Runs Debian's sipp (package sip-tester) against a SIP address on loopback, on ports picked
// free at test time. Resolves once sipp has exited; a non-zero exit carries its error log.

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

export async function runSipp(
  target: { address: string; port: number },
  run: SippRun,
): Promise<SippResult> {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-sipp-'));
  dirs.push(dir);
  const args = await sippArguments({
    target,
    dir,
    steps: run.steps,
    calls: run.calls,
    rate: run.rate ?? 10,
    limit: run.limit,
    transport: run.transport,
    source: '127.0.0.1',
    timeoutSeconds: 60,
  });
  const child = reapAtEnd(spawn('sipp', args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  const stdout = outputTail(child, 20_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, errors: readIfWritten(sippErrorsFile(dir)), stdout: stdout() };
}
