import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { type SpawnedServer, spawnServer } from '../../support/spawn-server.ts';

export interface FileServer {
  /** Set once `before` ran. */
  readonly server: SpawnedServer;
  /** The environment a CLI client needs to reach it: CALLHOOK_SERVER and CALLHOOK_API_KEY. */
  readonly env: Record<string, string>;
  readonly apiKey: string;
  readonly dataDir: string;
}

/**
 * One `callhook serve` for the whole test file: started (with `flags`) before its tests, on a
 * fresh data directory, and stopped and removed after them.
 */
export function serverForThisFile(name: string, flags: string[] = []): FileServer {
  const apiKey = `cli-${name}-test-key-0123456789`;
  const state = { apiKey } as { -readonly [K in keyof FileServer]: FileServer[K] };
  before(async () => {
    state.dataDir = mkdtempSync(join(tmpdir(), `callhook-cli-${name}-`));
    state.server = await spawnServer(['--data', state.dataDir, ...flags], {
      CALLHOOK_API_KEY: apiKey,
    });
    state.env = { CALLHOOK_SERVER: state.server.url, CALLHOOK_API_KEY: apiKey };
  });
  after(async () => {
    state.server?.child.kill('SIGTERM');
    await state.server?.exited;
    if (state.dataDir) rmSync(state.dataDir, { recursive: true, force: true });
  });
  return state;
}
