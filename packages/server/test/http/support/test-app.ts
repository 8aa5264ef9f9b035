import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { ManualClock } from '../../../src/clock.ts';
import { DEFAULT_ENGINE_CONFIG } from '../../../src/engine/call-state.ts';
import { type AppOptions, buildApp } from '../../../src/http/app.ts';
import { CallService } from '../../../src/service/call-service.ts';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite/index.ts';

export const API_KEY = 'test-key-0123456789';

export interface TestApp {
  app: FastifyInstance;
  store: SqliteStore;
  service: CallService;
  clock: ManualClock;
  /** An authorized request; `headers` are added to (or override) the defaults. */
  request(
    method: InjectOptions['method'],
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** The whole HTTP stack over a real SQLite file in a temp dir, on a ManualClock. */
export async function startTestApp(
  options: Partial<
    Pick<AppOptions, 'bodyLimitBytes' | 'heartbeatMs' | 'metricsRegistry' | 'logger'>
  > = {},
): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-http-'));
  const store = openSqliteStore({ path: join(dir, 'callhook.db') });
  const clock = new ManualClock();
  const service = new CallService({ store, clock, config: DEFAULT_ENGINE_CONFIG });
  await service.start();
  const app = await buildApp({
    service,
    store,
    changes: store.changes,
    clock,
    auth: { verify: (token) => token === API_KEY },
    version: '0.0.0-test',
    ...options,
  });
  return {
    app,
    store,
    service,
    clock,
    request: (method, url, body, headers = {}) =>
      app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${API_KEY}`, ...headers },
        ...(body !== undefined && { payload: body as InjectOptions['payload'] }),
      }),
    async close() {
      service.stop();
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const THREAD = '65f1c0ffee0000000000aaaa';
export const STREAM = '65f1c0ffee0000000000bbbb';
export const ALICE = '65f1c0ffee00000000000001';
export const BOB = '65f1c0ffee00000000000002';
export const CAROL = '65f1c0ffee00000000000003';

/** Creates a call and returns its id. */
export async function createCall(t: TestApp, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await t.request('POST', '/v1/calls', {
    threadId: THREAD,
    streamId: STREAM,
    ...extra,
  });
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
  return res.json<{ callId: string }>().callId;
}
