import { Worker, type WorkerOptions } from 'node:worker_threads';

// Starts a worker thread on one of this package's modules, from dist (.js) or from source
// (.ts, when the process runs through tsx: `node --conditions=source --import tsx`). tsx's
// loader hooks are registered for the main thread only, so a worker on a .ts module first
// registers them itself; the bootstrap is plain JavaScript for that reason.

const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.__tsxApi) {
    const { register } = await import(workerData.__tsxApi);
    register();
  }
  await import(workerData.__module);
})().catch((error) => {
  setImmediate(() => {
    throw error;
  });
});
`;

/**
 * `moduleUrl` is `new URL('./x.ts', import.meta.url)` of the caller: compiled, the caller is
 * x.js's sibling and the URL ends in .js (rewriteRelativeImportExtensions does not touch URLs,
 * so the caller passes the extension of its own file: see `siblingModule`).
 */
export function startModuleWorker(
  moduleUrl: URL,
  workerData: Record<string, unknown>,
  options: Omit<WorkerOptions, 'eval' | 'workerData'> = {},
): Worker {
  const fromSource = moduleUrl.pathname.endsWith('.ts');
  return new Worker(BOOTSTRAP, {
    ...options,
    eval: true,
    workerData: {
      ...workerData,
      __module: moduleUrl.href,
      __tsxApi: fromSource ? import.meta.resolve('tsx/esm/api') : undefined,
    },
  });
}

/**
 * The URL of module `name` (without extension) next to `callerUrl` (the caller's
 * `import.meta.url`), with the caller's own extension: `.ts` from source, `.js` from dist.
 */
export function siblingModule(callerUrl: string, name: string): URL {
  const extension = callerUrl.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${extension}`, callerUrl);
}
