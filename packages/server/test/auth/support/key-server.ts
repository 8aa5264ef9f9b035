import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { hashApiKey } from '../../../src/auth/api-key.ts';
import { ManualClock } from '../../../src/clock.ts';
import { DEFAULT_ENGINE_CONFIG } from '../../../src/engine/call-state.ts';
import { type RunningServer, type ServerConfig, startServer } from '../../../src/server.ts';

/** The bootstrap admin key of every key server. */
export const ADMIN_KEY = 'chk_bootstrap-admin-key-for-tests';

export interface KeyServer {
  server: RunningServer;
  clock: ManualClock;
  /** A request with `key` as the bearer token (the admin key when omitted). */
  request(
    method: InjectOptions['method'],
    url: string,
    options?: { key?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<LightMyRequestResponse>;
  /** Creates a key through the API with the admin key; returns its id and text. */
  createKey(body: Record<string, unknown>): Promise<{ id: string; key: string }>;
  close(): Promise<void>;
}

/** A whole service (startServer) over a temp data directory, on a ManualClock. */
export async function startKeyServer(config: Partial<ServerConfig> = {}): Promise<KeyServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'callhook-keys-'));
  const clock = new ManualClock();
  const server = await startServer(
    {
      host: '127.0.0.1',
      port: 0,
      dataDir,
      durability: 'default',
      engine: DEFAULT_ENGINE_CONFIG,
      apiKeyHash: hashApiKey(ADMIN_KEY),
      delivery: { allowPrivateTargets: true },
      ...config,
    },
    { clock },
  );
  const request: KeyServer['request'] = (method, url, options = {}) =>
    server.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${options.key ?? ADMIN_KEY}`, ...options.headers },
      ...(options.body !== undefined && { payload: options.body as InjectOptions['payload'] }),
    });
  return {
    server,
    clock,
    request,
    async createKey(body) {
      const res = await request('POST', '/v1/keys', { body });
      if (res.statusCode !== 201) throw new Error(`create key: ${res.statusCode} ${res.body}`);
      return res.json<{ id: string; key: string }>();
    },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
