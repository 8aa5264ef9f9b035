import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { hashApiKey } from '../../src/auth/api-key.ts';
import { DEFAULT_ENGINE_CONFIG } from '../../src/engine/call-state.ts';
import { startServer } from '../../src/server.ts';
import { ALICE, BOB, STREAM, THREAD } from '../http/support/test-app.ts';
import { OrderedSdkReceiver } from '../support/ordered-sdk-receiver.ts';
import { RecordingReceiver } from '../support/recording-receiver.ts';

// The issue: an endpoint filtered by event type sees gaps in callhook-seq, and the SDK's
// ordered receiver must not wait for seqs it will never be sent. Here a real server sends a
// real call to a real SDK receiver; the server's callhook-previous-seq must carry it through
// without one gap timer, also for a receiver that joins mid-call.

const API_KEY = 'chk_ordered-receiver-e2e-key';
const SUBSCRIBED = ['call.dtmf', 'call.ended'] as const;

type Api = (method: string, path: string, body?: unknown) => Promise<Record<string, unknown>>;

/**
 * A real server in-process on loopback, and its HTTP API through fetch. Start the receivers
 * first: `t.after` hooks run in order, and a receiver must close (dropping any request it
 * holds) before the server's stop waits for its attempts in flight.
 */
async function startCallhook(t: TestContext): Promise<Api> {
  const dataDir = mkdtempSync(join(tmpdir(), 'callhook-ordered-e2e-'));
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    durability: 'default',
    engine: DEFAULT_ENGINE_CONFIG,
    apiKeyHash: hashApiKey(API_KEY),
    delivery: { allowPrivateTargets: true },
    logger: false,
  });
  t.after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return async (method, path, body) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${API_KEY}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
    return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  };
}

async function orderedReceiver(t: TestContext): Promise<[OrderedSdkReceiver, string]> {
  const receiver = new OrderedSdkReceiver();
  const url = await receiver.listen();
  t.after(() => receiver.close());
  return [receiver, url];
}

/** Commands on one call, each answered before the next is sent. */
function callCommands(api: Api, callId: string) {
  const call = `/v1/calls/${callId}`;
  return {
    invite: (userId: string) => api('POST', `${call}/participants`, { userId }),
    join: (userId: string) => api('POST', `${call}/participants/${userId}/join`),
    pause: (userId: string) => api('POST', `${call}/participants/${userId}/pause`),
    unpause: (userId: string) => api('POST', `${call}/participants/${userId}/unpause`),
    dtmf: (digits: string) => api('POST', `${call}/dtmf`, { digits, userId: ALICE }),
    end: () => api('POST', `${call}/end`),
  };
}

async function createCall(api: Api): Promise<string> {
  return (await api('POST', '/v1/calls', { threadId: THREAD, streamId: STREAM })).callId as string;
}

/** The seqs of the call's subscribed events, from the server's own event log. */
async function subscribedSeqs(api: Api, callId: string, fromSeq = 1): Promise<number[]> {
  const { events } = (await api('GET', `/v1/events?callId=${callId}&limit=500`)) as {
    events: { seq: number; type: string }[];
  };
  return events
    .filter((e) => e.seq >= fromSeq && (SUBSCRIBED as readonly string[]).includes(e.type))
    .map((e) => e.seq);
}

/** What an ordered receiver must have seen: each seq once, in order, naming the one before. */
function assertChain(receiver: OrderedSdkReceiver, callId: string, seqs: number[], first = 0) {
  const previous = seqs.map((_, i) => (i === 0 ? first : seqs[i - 1]!));
  assert.deepEqual(
    receiver.handled.map((h) => h.seq),
    seqs,
    'handlers ran for exactly the subscribed events, in seq order, each once',
  );
  assert.ok(receiver.handled.every((h) => h.callId === callId));
  assert.deepEqual(
    receiver.arrivals.map((a) => [a.seq, a.previousSeq, a.attempt]),
    seqs.map((seq, i) => [String(seq), String(previous[i]), '1']),
    'one request per event, its callhook-previous-seq the seq sent to the endpoint before it',
  );
  assert.deepEqual(
    receiver.handled.map((h) => h.previousSeq),
    previous,
  );
  assert.deepEqual(receiver.errors, [], 'no sequence_gap (nor any other error) reported');
  assert.deepEqual(receiver.timers.requested, [], 'no gap timer was ever asked for');
}

test('an ordered SDK receiver on a type-filtered endpoint runs every event in order without a gap timeout', async (t) => {
  const [receiver, url] = await orderedReceiver(t);
  const api = await startCallhook(t);
  const endpoint = await api('POST', '/v1/endpoints', { url, eventTypes: SUBSCRIBED });
  receiver.start(endpoint.secret as string);

  const callId = await createCall(api);
  const call = callCommands(api, callId);
  await call.invite(ALICE);
  await call.invite(BOB);
  await call.join(ALICE);
  await call.join(BOB);
  await call.dtmf('123');
  await call.pause(BOB);
  await call.unpause(BOB);
  await call.dtmf('4');
  await call.end();

  const seqs = await subscribedSeqs(api, callId);
  // created, 2 invited, 3 dtmf, paused, unpaused, dtmf, 2 removed, ended: gaps on both sides.
  assert.deepEqual(seqs, [4, 5, 6, 9, 12]);
  await receiver.whenHandled(seqs.length);
  assert.deepEqual(
    receiver.handled.map((h) => h.type),
    ['call.dtmf', 'call.dtmf', 'call.dtmf', 'call.dtmf', 'call.ended'],
  );
  assertChain(receiver, callId, seqs);
});

test('a fresh ordered receiver that the endpoint is moved to mid-call starts at its first arrival', async (t) => {
  const throwaway = new RecordingReceiver();
  const throwawayUrl = await throwaway.listen();
  t.after(() => throwaway.close());
  // Listening from the start, but it has no memory of the call: the endpoint is moved to it
  // only after seqs 4 and 5 went elsewhere.
  const [fresh, freshUrl] = await orderedReceiver(t);
  const api = await startCallhook(t);
  const endpoint = await api('POST', '/v1/endpoints', {
    url: throwawayUrl,
    eventTypes: SUBSCRIBED,
  });
  throwaway.setSecret(endpoint.secret as string);

  const callId = await createCall(api);
  const call = callCommands(api, callId);
  await call.invite(ALICE);
  await call.invite(BOB);
  await call.join(ALICE);
  await call.join(BOB);
  await call.dtmf('12');
  await throwaway.until(() => throwaway.arrivals.length >= 2, 30_000, 'the first two dtmf');

  fresh.start(endpoint.secret as string);
  await api('PATCH', `/v1/endpoints/${endpoint.id as string}`, { url: freshUrl });
  await call.dtmf('3');
  await call.pause(BOB);
  await call.unpause(BOB);
  await call.dtmf('4');
  await call.end();

  assert.deepEqual(await subscribedSeqs(api, callId), [4, 5, 6, 9, 12]);
  const seqs = await subscribedSeqs(api, callId, 6);
  await fresh.whenHandled(seqs.length);
  assertChain(fresh, callId, seqs, 5);
  assert.deepEqual(
    throwaway.arrivals.map((a) => a.seq),
    [4, 5],
    'only the events before the move went to the old URL',
  );
});
