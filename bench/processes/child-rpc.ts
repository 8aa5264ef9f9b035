import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';

// Request/response over the IPC channel of a forked child: how the bench drives its receiver
// and baseline processes. One pending promise per request id; the child answers each request
// once, with a result or an error message.

type Handler = (args: never) => unknown;
export type Handlers = Record<string, Handler>;

interface Request {
  id: number;
  method: string;
  args: unknown;
}
type Response = { id: number; result: unknown } | { id: number; error: string };

// Children still running when the bench exits (an error, Ctrl-C) go with it; a child also
// exits by itself when its IPC channel closes (serveRequests).
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface ChildHandle<H extends Handlers> {
  pid: number;
  child: ChildProcess;
  call<M extends keyof H & string>(
    method: M,
    args: Parameters<H[M]>[0],
  ): Promise<Awaited<ReturnType<H[M]>>>;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Forks `entry` (a .ts file, run through tsx). Workspace packages resolve to their source
 * unless `packages` is 'dist' (then to their build, as installed).
 */
export function forkChild<H extends Handlers>(
  entry: string,
  packages: 'source' | 'dist' = 'source',
): ChildHandle<H> {
  const child = fork(entry, [], {
    execArgv: [...(packages === 'source' ? ['--conditions=source'] : []), '--import', 'tsx'],
    serialization: 'advanced',
    env: process.env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  child.on('message', (message: Response) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if ('error' in message) waiter.reject(new Error(message.error));
    else waiter.resolve(message.result);
  });
  running.add(child);
  const exited = once(child, 'exit');
  void exited.then(([code, signal]) => {
    running.delete(child);
    for (const waiter of pending.values()) {
      waiter.reject(new Error(`${entry} exited (${code ?? signal}) with a request pending`));
    }
    pending.clear();
  });
  return {
    pid: child.pid!,
    child,
    call(method, args) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, method, args } satisfies Request);
      });
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The child's side: answers the parent's requests with `handlers`. */
export function serveRequests(handlers: Handlers): void {
  if (!process.send) throw new Error('this file is a bench child process; run `npm run bench`');
  process.on('message', async (message: Request) => {
    const handler = handlers[message.method];
    try {
      if (!handler) throw new Error(`no method ${message.method}`);
      const result = await handler(message.args as never);
      process.send!({ id: message.id, result: result ?? null } satisfies Response);
    } catch (error) {
      process.send!({
        id: message.id,
        error: String((error as Error).stack ?? error),
      } satisfies Response);
    }
  });
  // The parent going away (a crash, Ctrl-C) takes the child with it.
  process.on('disconnect', () => process.exit(0));
}
