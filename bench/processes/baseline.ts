import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BaselineHandlers } from './baseline-main.ts';
import { type ChildHandle, forkChild } from './child-rpc.ts';
import { BENCH_API_KEY, type ServerFrom } from './server-process.ts';

export interface BaselineProcess {
  url: string;
  secret: string;
  pid: number;
  stop(): Promise<void>;
}

/** The BullMQ baseline app in its own process, on a fresh data directory and a fresh queue. */
export async function startBaseline(options: {
  from: ServerFrom;
  receiverUrl: string;
  redis: { host: string; port: number };
  workerConcurrency: number;
}): Promise<BaselineProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'callhook-bench-baseline-'));
  const child: ChildHandle<BaselineHandlers> = forkChild<BaselineHandlers>(
    fileURLToPath(new URL('./baseline-main.ts', import.meta.url)),
    options.from,
  );
  try {
    const { url, secret } = await child.call('start', {
      from: options.from,
      dataDir,
      apiKey: BENCH_API_KEY,
      receiverUrl: options.receiverUrl,
      redis: options.redis,
      queueName: `callhook-bench-${process.pid}-${Date.now()}`,
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
