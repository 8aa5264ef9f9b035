import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reapAtEnd } from '../../support/child-reaper.ts';

// Runs the `callhook` CLI from source in a child process, as a user would run it.

const CLI = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));

// The config directory of the CLI runs of this test process (listen keeps its secrets
// there), so no test reads or writes the real user's ~/.config.
const CONFIG_DIR = mkdtempSync(join(tmpdir(), 'callhook-cli-config-'));

/** The environment of a CLI run, without the caller's CALLHOOK_* settings leaking in. */
function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('CALLHOOK_')),
  );
  return { ...clean, CALLHOOK_CONFIG_DIR: CONFIG_DIR, ...env };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one command to completion. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const cli = startCli(args, env);
  const { code } = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

export interface RunningCli {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves once stdout (or stderr) matches, with the match; rejects on exit or timeout. */
  waitForOutput: (
    pattern: RegExp,
    timeoutMs?: number,
    stream?: 'stdout' | 'stderr',
  ) => Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a long-running command (`listen`). */
export function startCli(args: string[], env: Record<string, string> = {}): RunningCli {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, ...args], {
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  reapAtEnd(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });

  const waitForOutput = (
    pattern: RegExp,
    timeoutMs = 15_000,
    stream: 'stdout' | 'stderr' = 'stdout',
  ) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const source = child[stream]!;
      const check = () => {
        const match = (stream === 'stdout' ? out : err).match(pattern);
        if (match) {
          done();
          resolve(match);
        } else if (gone) {
          done();
          reject(new Error(`callhook exited before printing ${pattern}:\n${out}\n${err}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${out}\n${err}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        source.off('data', check);
      };
      source.on('data', check);
      // The exit may come without more output; look again when it does.
      void exited.then(check);
      check();
    });

  return { child, stdout: () => out, stderr: () => err, waitForOutput, exited };
}
