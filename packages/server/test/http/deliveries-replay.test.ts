import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  createEndpoint,
  type EndpointTestApp,
  startEndpointTestApp,
} from './support/endpoint-test-app.ts';
import { ALICE, BOB, createCall } from './support/test-app.ts';

// docs/contract.md §3: POST /v1/endpoints/:id/replay {since, until?} queues again every event that
// occurred in [since, until] and that the endpoint subscribes to. Times are epoch ms (like
// every time of the API) or ISO-8601 date-times with a zone; until defaults to now.

let t: EndpointTestApp;
let t0: number;
before(async () => {
  t = await startEndpointTestApp();
  t0 = t.clock.now();
  // Three events one second apart, before any endpoint exists (so none was delivered).
  const callId = await createCall(t);
  t.clock.advance(1000);
  await t.request('POST', `/v1/calls/${callId}/participants`, { userId: ALICE });
  t.clock.advance(1000);
  await t.request('POST', `/v1/calls/${callId}/participants`, { userId: BOB });
  t.clock.advance(1000);
});
after(() => t.close());

async function replay(endpointId: string, body: unknown): Promise<number> {
  const res = await t.request('POST', `/v1/endpoints/${endpointId}/replay`, body);
  assert.equal(res.statusCode, 200, `${JSON.stringify(body)}: ${res.body}`);
  const answer = res.json();
  assert.deepEqual(Object.keys(answer), ['replayed']);
  return answer.replayed;
}

test('counts the events in [since, until], both ends included; until defaults to now', async () => {
  const { id } = await createEndpoint(t);
  const wakes = t.wakes;
  assert.equal(await replay(id, { since: t0 }), 3);
  assert.equal(t.wakes, wakes + 1, 'the dispatcher is woken');
  assert.equal(await replay(id, { since: t0 + 1000 }), 2);
  assert.equal(await replay(id, { since: t0 + 1000, until: t0 + 1000 }), 1);
  assert.equal(await replay(id, { since: t0, until: t0 + 999 }), 1);
  assert.equal(await replay(id, { since: t0 + 2001 }), 0);
  assert.equal(t.wakes, wakes + 4, 'an empty replay wakes nothing');

  // Replayed deliveries are listed, pending: 3 + 2 + 1 + 1.
  const res = await t.request('GET', `/v1/endpoints/${id}/deliveries?limit=500`);
  const deliveries = res.json().deliveries;
  assert.equal(deliveries.length, 7);
  assert.ok(deliveries.every((d: { status: string }) => d.status === 'pending'));
});

test('ISO-8601 date-times with Z or an offset mean the same instants', async () => {
  const { id } = await createEndpoint(t);
  const iso = (ms: number) => new Date(ms).toISOString();
  assert.equal(await replay(id, { since: iso(t0 + 1000) }), 2);
  assert.equal(await replay(id, { since: iso(t0), until: iso(t0 + 1000) }), 2);
  // t0 is 2026-01-01T00:00:00Z; one second later, written in UTC+01:00.
  assert.equal(t0, Date.UTC(2026, 0, 1));
  assert.equal(await replay(id, { since: '2026-01-01T01:00:01+01:00' }), 2);
  assert.equal(await replay(id, { since: '2026-01-01T00:00:01.001Z' }), 1);
});

test('only what the endpoint subscribes to is replayed', async () => {
  const invited = await createEndpoint(t, { eventTypes: ['call.user.invited'] });
  assert.equal(await replay(invited.id, { since: t0 }), 2);
  const otherThread = await createEndpoint(t, { filter: { threadId: 'another-thread' } });
  const wakes = t.wakes;
  assert.equal(await replay(otherThread.id, { since: t0 }), 0);
  assert.equal(t.wakes, wakes);
});

test('a bad window is a validation_error naming the field, and queues nothing', async () => {
  const { id } = await createEndpoint(t);
  const cases: [unknown, string[]][] = [
    [{}, ['since']],
    [{ since: 'yesterday' }, ['since']],
    [{ since: '2026-01-01T00:00:00' }, ['since']], // no zone: ambiguous
    [{ since: -1 }, ['since']],
    [{ since: 1.5 }, ['since']],
    [{ since: t0, until: 'later' }, ['until']],
    [{ since: t0, from: t0 }, ['from']],
    [{ since: t0 + 2000, until: t0 + 1000 }, ['since']],
    // since after now, with until defaulting to now
    [{ since: t.clock.now() + 1 }, ['since']],
  ];
  for (const [body, paths] of cases) {
    const res = await t.request('POST', `/v1/endpoints/${id}/replay`, body);
    assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
    const { error } = res.json();
    assert.equal(error.code, 'validation_error');
    assert.deepEqual(
      error.details.map((d: { path: string }) => d.path),
      paths,
      JSON.stringify(body),
    );
  }
  const list = await t.request('GET', `/v1/endpoints/${id}/deliveries`);
  assert.deepEqual(list.json().deliveries, []);
});

test('replaying an unknown endpoint is 404', async () => {
  const res = await t.request('POST', '/v1/endpoints/ep_missing/replay', { since: t0 });
  assert.equal(res.statusCode, 404, res.body);
  assert.equal(res.json().error.code, 'not_found');
});
