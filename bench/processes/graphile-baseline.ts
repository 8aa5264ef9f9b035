import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChildHandle, forkChild } from './child-rpc.ts';
import type { GraphileBaselineHandlers } from './graphile-baseline-main.ts';
import { BENCH_API_KEY, type ServerFrom } from './server-process.ts';

export interface GraphileBaselineProcess {
  url: string;
  secret: string;
  pid: number;
  stop(): Promise<void>;
}

/** The graphile-worker baseline in its own process, on `databaseUrl` (a fresh database). */
export async function startGraphileBaseline(options: {
  from: ServerFrom;
  receiverUrl: string;
  databaseUrl: string;
  workerConcurrency: number;
}): Promise<GraphileBaselineProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'callhook-bench-graphile-'));
  const child: ChildHandle<GraphileBaselineHandlers> = forkChild<GraphileBaselineHandlers>(
    fileURLToPath(new URL('./graphile-baseline-main.ts', import.meta.url)),
    options.from,
  );
  try {
    const { url, secret } = await child.call('start', {
      from: options.from,
      dataDir,
      apiKey: BENCH_API_KEY,
      receiverUrl: options.receiverUrl,
      databaseUrl: options.databaseUrl,
      workerConcurrency: options.workerConcurrency,
    });
    return {
      url,
      secret,
      pid: child.pid,
      async stop() {
        await child.call('stop', undefined).catch(() => {});
        await child.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await child.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
