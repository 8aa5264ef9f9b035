import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { attemptHead } from './support/delivery-outcomes.ts';
import {
  createEndpoint,
  type EndpointTestApp,
  startEndpointTestApp,
} from './support/endpoint-test-app.ts';
import { ALICE, BOB, createCall } from './support/test-app.ts';

// docs/contract.md §3: GET /v1/endpoints/:id/deliveries?status=pending|delivered|failed lists an
// endpoint's deliveries, each with its attempts (time, status code, latency, error). The
// deliveries are written by the outbox when calls are driven through the calls API; the
// dispatcher's part (claim, attempt, outcome) is played by hand against the same store.

interface Attempt {
  attempt: number;
  startedAt: number;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  responseBody: string;
}
interface Delivery {
  id: string;
  endpointId: string;
  eventId: string;
  callId: string;
  seq: number;
  eventType: string;
  status: string;
  attemptCount: number;
  nextAttemptAt: number | null;
  createdAt: number;
  updatedAt: number;
  attempts: Attempt[];
}
interface DeliveryPage {
  deliveries: Delivery[];
  nextCursor: string | null;
}

let t: EndpointTestApp;
let all: string;
let endedOnly: string;
let callId: string;
let start: number;
before(async () => {
  t = await startEndpointTestApp();
  all = (await createEndpoint(t)).id;
  endedOnly = (await createEndpoint(t, { eventTypes: ['call.ended'] })).id;
  start = t.clock.now();
  // Three events 10 ms apart: call.created, then two invitations.
  callId = await createCall(t);
  t.clock.advance(10);
  await t.request('POST', `/v1/calls/${callId}/participants`, { userId: ALICE });
  t.clock.advance(10);
  await t.request('POST', `/v1/calls/${callId}/participants`, { userId: BOB });
  t.clock.advance(10);

  // seq 1 is delivered at the first attempt; seq 2 fails twice and is given up.
  await attemptHead(t, all, {
    statusCode: 200,
    latencyMs: 12,
    responseBody: 'ok',
    next: { status: 'delivered' },
  });
  t.clock.advance(100);
  await attemptHead(t, all, {
    statusCode: 500,
    latencyMs: 30,
    responseBody: 'boom',
    next: { status: 'pending', nextAttemptAt: t.clock.now() + 5000 },
  });
  t.clock.advance(5000);
  await attemptHead(t, all, {
    statusCode: null,
    latencyMs: 15000,
    error: 'timeout',
    next: { status: 'failed' },
  });
  t.clock.advance(1);
});
after(() => t.close());

async function list(endpointId: string, query = ''): Promise<DeliveryPage> {
  const res = await t.request('GET', `/v1/endpoints/${endpointId}/deliveries${query}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json<DeliveryPage>();
}

test('every delivery of the endpoint, newest first, with its state and attempts', async () => {
  const page = await list(all);
  assert.equal(page.nextCursor, null);
  assert.deepEqual(
    page.deliveries.map((d) => [d.seq, d.eventType, d.status, d.attemptCount]),
    [
      [3, 'call.user.invited', 'pending', 0],
      [2, 'call.user.invited', 'failed', 2],
      [1, 'call.created', 'delivered', 1],
    ],
  );
  const events = (await t.request('GET', `/v1/events?callId=${callId}`)).json().events;
  for (const d of page.deliveries) {
    assert.equal(d.endpointId, all);
    assert.equal(d.callId, callId);
    assert.equal(d.eventId, events[d.seq - 1].id, 'the delivery names its event');
    assert.equal(d.createdAt, start + 10 * (d.seq - 1), 'written when the event happened');
  }
  // The lane moved on: seq 3 heads it now and is due.
  assert.equal(typeof page.deliveries[0]?.nextAttemptAt, 'number');
  assert.equal(page.deliveries[1]?.nextAttemptAt, null);
  assert.equal(page.deliveries[2]?.nextAttemptAt, null);
});

test('status=delivered shows the successful attempt: time, status code, latency, body', async () => {
  const page = await list(all, '?status=delivered');
  assert.equal(page.deliveries.length, 1);
  const [d] = page.deliveries;
  assert.equal(d?.seq, 1);
  assert.deepEqual(d?.attempts, [
    {
      attempt: 1,
      startedAt: start + 30,
      statusCode: 200,
      latencyMs: 12,
      error: null,
      responseBody: 'ok',
    },
  ]);
});

test('status=failed shows every attempt in order, errors included', async () => {
  const page = await list(all, '?status=failed');
  assert.equal(page.deliveries.length, 1);
  const [d] = page.deliveries;
  assert.equal(d?.seq, 2);
  assert.deepEqual(d?.attempts, [
    {
      attempt: 1,
      startedAt: start + 130,
      statusCode: 500,
      latencyMs: 30,
      error: null,
      responseBody: 'boom',
    },
    {
      attempt: 2,
      startedAt: start + 5130,
      statusCode: null,
      latencyMs: 15000,
      error: 'timeout',
      responseBody: '',
    },
  ]);
});

test('status=pending shows what is still to be sent, no attempts yet', async () => {
  const page = await list(all, '?status=pending');
  assert.deepEqual(
    page.deliveries.map((d) => [d.seq, d.attempts.length]),
    [[3, 0]],
  );
});

test('only subscribed events are delivered: a call.ended-only endpoint has none yet', async () => {
  assert.deepEqual((await list(endedOnly)).deliveries, []);
  await t.request('POST', `/v1/calls/${callId}/end`);
  const page = await list(endedOnly);
  assert.deepEqual(
    page.deliveries.map((d) => [d.eventType, d.status]),
    [['call.ended', 'pending']],
  );
});

test('pages with limit and cursor cover every delivery once', async () => {
  const seen: number[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await list(all, query);
    assert.ok(page.deliveries.length <= 1);
    seen.push(...page.deliveries.map((d) => d.seq));
    cursor = page.nextCursor;
  } while (cursor !== null);
  // The end of the call added call.user.removed ×2 and call.ended (seq 4-6), all written at
  // the same ms: among those the order is the id's, so only their place as a group is fixed.
  assert.deepEqual([...seen.slice(0, 3)].sort(), [4, 5, 6]);
  assert.deepEqual(seen.slice(3), [3, 2, 1]);
  const filtered = await list(all, '?status=pending&limit=2');
  assert.equal(filtered.deliveries.length, 2);
  assert.notEqual(filtered.nextCursor, null);
});

test('the deliveries of an unknown endpoint are 404', async () => {
  const res = await t.request('GET', '/v1/endpoints/ep_missing/deliveries');
  assert.equal(res.statusCode, 404);
  assert.equal(res.json().error.code, 'not_found');
});
