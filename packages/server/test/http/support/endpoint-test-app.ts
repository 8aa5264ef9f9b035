import type { LookupAddress } from 'node:dns';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { ManualClock } from '../../../src/clock.ts';
import {
  type HostResolver,
  TargetPolicy,
  type TargetPolicyOptions,
} from '../../../src/delivery/target-policy.ts';
import { DEFAULT_ENGINE_CONFIG } from '../../../src/engine/call-state.ts';
import { buildApp } from '../../../src/http/app.ts';
import { CallService } from '../../../src/service/call-service.ts';
import { EndpointService } from '../../../src/service/endpoint-service.ts';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite/index.ts';
import { API_KEY } from './test-app.ts';

/** The whole HTTP stack with the endpoint and delivery routes, over a real SQLite file. */
export interface EndpointTestApp {
  app: FastifyInstance;
  store: SqliteStore;
  service: CallService;
  endpoints: EndpointService;
  clock: ManualClock;
  /** How often the service asked to wake the dispatcher (its `onChange`). */
  readonly wakes: number;
  /** An authorized request; `headers` are added to (or override) the defaults. */
  request(
    method: InjectOptions['method'],
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** Host names the tests use, with fixed answers: no test asks a real DNS server. */
export const HOSTS: Record<string, string[]> = {
  'hooks.example.com': ['93.184.216.34'],
  'other.example.com': ['93.184.216.35', '2606:4700::1111'],
  'internal.example.com': ['10.0.0.7'],
  'rebind.example.com': ['93.184.216.34', '127.0.0.1'],
  localhost: ['127.0.0.1', '::1'],
};

export const PUBLIC_URL = 'https://hooks.example.com/callhook';

export const fixedResolver: HostResolver = async (hostname) => {
  const addresses = HOSTS[hostname];
  if (!addresses) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return addresses.map(
    (address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }),
  );
};

export async function startEndpointTestApp(
  options: { policy?: TargetPolicyOptions } = {},
): Promise<EndpointTestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-endpoints-'));
  const store = openSqliteStore({ path: join(dir, 'callhook.db') });
  const clock = new ManualClock();
  const service = new CallService({ store, clock, config: DEFAULT_ENGINE_CONFIG });
  await service.start();
  let wakes = 0;
  const endpoints = new EndpointService({
    store: store.deliveries,
    clock,
    policy: new TargetPolicy(options.policy),
    resolve: fixedResolver,
    onChange: () => {
      wakes += 1;
    },
  });
  const app = await buildApp({
    service,
    store,
    changes: store.changes,
    clock,
    auth: { verify: (token) => token === API_KEY },
    version: '0.0.0-test',
    endpoints,
  });
  return {
    app,
    store,
    service,
    endpoints,
    clock,
    get wakes() {
      return wakes;
    },
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

/** The create answer of an endpoint. */
export interface CreatedEndpoint {
  id: string;
  secret: string;
  [field: string]: unknown;
}

/** Creates an endpoint (PUBLIC_URL unless `body` says otherwise) and returns the answer. */
export async function createEndpoint(
  t: EndpointTestApp,
  body: Record<string, unknown> = {},
): Promise<CreatedEndpoint> {
  const res = await t.request('POST', '/v1/endpoints', { url: PUBLIC_URL, ...body });
  if (res.statusCode !== 201) throw new Error(`create endpoint: ${res.statusCode} ${res.body}`);
  return res.json<CreatedEndpoint>();
}
