import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

// Processes for the SDK's end-to-end tests: the callhook service and a bot, each a real child
// process. The SDK does not import the server: it runs its CLI as a user would.

const CALLHOOK_CLI = fileURLToPath(new URL('../../../server/src/cli/main.ts', import.meta.url));

export interface ChildRun {
  child: ChildProcess;
  /** Everything printed on stdout so far. */
  output: () => string;
  /** Resolves with the first match of `pattern` on stdout; rejects if the process exits first. */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
  stop: () => Promise<void>;
}

/** Spawns a process whose output the test waits on; killed when `stop` is called. */
export function runChild(command: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildRun {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = once(child, 'exit');
  const waitFor = (pattern: RegExp, timeoutMs = 30_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out waiting for ${pattern}; stdout:\n${out}\nstderr:\n${err}`));
      }, timeoutMs);
      const check = () => {
        const match = out.match(pattern);
        if (match) {
          finish();
          resolve(match);
        }
      };
      const onExit = () => {
        finish();
        reject(new Error(`${command} exited before ${pattern}; stdout:\n${out}\nstderr:\n${err}`));
      };
      const finish = () => {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        child.off('exit', onExit);
      };
      child.stdout!.on('data', check);
      child.once('exit', onExit);
      check();
    });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  return { child, output: () => out, waitFor, stop };
}

export interface CallhookService extends ChildRun {
  url: string;
  /** JSON over the control API with the admin key. */
  api: (
    method: string,
    path: string,
    body?: unknown,
  ) => Promise<{ status: number; body: Record<string, unknown> }>;
}

/** `callhook serve` from source on a free loopback port, private targets allowed. */
export async function startCallhook(dataDir: string, apiKey: string): Promise<CallhookService> {
  const run = runChild(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      CALLHOOK_CLI,
      'serve',
      '--port',
      '0',
      '--data',
      dataDir,
      '--allow-private-targets',
    ],
    { CALLHOOK_API_KEY: apiKey },
  );
  const [, url] = await run.waitFor(/listening on (http:\/\/\S+)/);
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
    };
  };
  return { ...run, url: url!, api };
}

/** A loopback port that was free a moment ago (for a process that must be told its port). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}
