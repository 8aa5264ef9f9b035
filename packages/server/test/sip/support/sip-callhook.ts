import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { hashApiKey } from '../../../src/auth/api-key.ts';
import { DEFAULT_ENGINE_CONFIG } from '../../../src/engine/call-state.ts';
import { type RunningServer, startServer } from '../../../src/server.ts';

// A real callhook in-process with its SIP front end on a free loopback UDP port, and its HTTP
// API through fetch.

export const API_KEY = 'chk_sip-tests-key';

/**
 * JSON as the tests read it: any path may be followed, and a wrong one fails the assertion
 * that reads it (a schema per answer would only restate the API's own).
 */
// biome-ignore lint/suspicious/noExplicitAny: test JSON, read loosely on purpose
export type Json = any;

export interface LoggedEvent {
  callId: string;
  seq: number;
  type: string;
  occurredAt: number;
  payload: Json;
}

export interface SipCallhook {
  server: RunningServer;
  sip: { address: string; port: number };
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }>;
  /** Every event of the log, in order (positions ascending). */
  events(): Promise<LoggedEvent[]>;
}

export async function startSipCallhook(
  t: TestContext,
  options: { ringMs?: number; invitesPerSecond?: number; transport?: 'udp' | 'tcp' } = {},
): Promise<SipCallhook> {
  const dataDir = mkdtempSync(join(tmpdir(), 'callhook-sip-'));
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    durability: 'default',
    engine: DEFAULT_ENGINE_CONFIG,
    apiKeyHash: hashApiKey(API_KEY),
    console: false,
    sip: {
      listen: [{ transport: options.transport ?? 'udp', host: '127.0.0.1', port: 0 }],
      ...(options.ringMs !== undefined && { ringMs: options.ringMs }),
      ...(options.invitesPerSecond !== undefined && { invitesPerSecond: options.invitesPerSecond }),
    },
    logger: false,
  });
  t.after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${API_KEY}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : {} };
  };
  const events = async () => {
    const all: LoggedEvent[] = [];
    let after: string | undefined;
    for (;;) {
      const res = await api('GET', `/v1/events?limit=500${after ? `&after=${after}` : ''}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      all.push(...res.body.events);
      if (res.body.events.length < 500) return all;
      after = res.body.nextCursor;
    }
  };
  const sip = server.sip!.addresses[0]!;
  return { server, sip, api, events };
}

/** Creates a room through the API. */
export async function addRoom(callhook: SipCallhook, room: string, threadId = `thread-${room}`) {
  const res = await callhook.api('POST', '/v1/sip/rooms', {
    room,
    streamId: 'stream-sip',
    threadId,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
}

/** Waits until `check` passes (real peers run on real time), or fails with its last error. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
