import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiClient, type SpawnedServer, spawnServer } from '../support/spawn-server.ts';
import { buildConsole } from './console-build.ts';

export const ADMIN_KEY = 'chk_console_test_key_0123456789';

export interface ConsoleServer {
  server: SpawnedServer;
  url: string;
  api: ReturnType<typeof apiClient>;
}

/**
 * A real `callhook serve` process serving a console freshly built from source, with local
 * endpoints allowed and one delivery attempt (so a failure is final and retry is by hand).
 */
export async function startConsoleServer(extraArgs: string[] = []): Promise<ConsoleServer> {
  const dir = await buildConsole();
  const data = mkdtempSync(join(tmpdir(), 'callhook-console-data-'));
  const server = await spawnServer(
    ['--data', data, '--allow-private-targets', '--retry-schedule', '0', ...extraArgs],
    { CALLHOOK_API_KEY: ADMIN_KEY, CALLHOOK_CONSOLE_DIR: dir },
  );
  return { server, url: server.url, api: apiClient(server.url, ADMIN_KEY) };
}
