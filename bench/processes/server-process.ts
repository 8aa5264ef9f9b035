import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// `callhook serve` in a child process, on loopback, with a fresh data directory each time.
// From dist (`node packages/server/bin/callhook.js`, as installed) or from source (through
// tsx): the same JavaScript runs either way once loaded; dist only starts faster.

export type ServerFrom = 'dist' | 'source';

export const BENCH_API_KEY = 'callhook-bench-key';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// Servers still running when the bench exits (an error, Ctrl-C) go with it.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface ServerProcess {
  url: string;
  pid: number;
  dataDir: string;
  /** SIGTERM (graceful), SIGKILL after 15 s; removes the data directory. */
  stop(): Promise<void>;
  /** The last 16 KB the server printed (stdout and stderr). */
  output(): string;
}

export function serveCommand(from: ServerFrom): string[] {
  return from === 'dist'
    ? [join(ROOT, 'packages/server/bin/callhook.js'), 'serve']
    : [
        '--conditions=source',
        '--import',
        'tsx',
        join(ROOT, 'packages/server/src/cli/main.ts'),
        'serve',
      ];
}

export async function startServerProcess(
  from: ServerFrom,
  flags: string[] = [],
  options: { nodeFlags?: string[] } = {},
): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'callhook-bench-'));
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeFlags ?? []),
      ...serveCommand(from),
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--data',
      dataDir,
      '--log-level',
      'error',
      ...flags,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, CALLHOOK_API_KEY: BENCH_API_KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.add(child);
  const output = tail(child);
  const exited = once(child, 'exit');
  void exited.then(() => running.delete(child));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const onData = () => {
        const match = output().match(/listening on (http:\/\/\S+)/);
        if (match) resolve(match[1]!);
      };
      child.stdout!.on('data', onData);
      void exited.then(([code, signal]) =>
        reject(
          new Error(`callhook serve exited (${code ?? signal}) before listening:\n${output()}`),
        ),
      );
    });
    return {
      url,
      pid: child.pid!,
      dataDir,
      output,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** Keeps reading the child's output (a full pipe would block it) and the last 16 KB of it. */
function tail(child: ChildProcess): () => string {
  let text = '';
  const keep = (chunk: string) => {
    text = (text + chunk).slice(-16_384);
  };
  child.stdout!.setEncoding('utf8').on('data', keep);
  child.stderr!.setEncoding('utf8').on('data', keep);
  return () => text;
}
