import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  createEndpoint,
  type EndpointTestApp,
  startEndpointTestApp,
} from './support/endpoint-test-app.ts';
import { createCall } from './support/test-app.ts';

// Events that occur while an endpoint is disabled are not queued for it. POST …/enable says
// how many it missed and how to queue them; with {"replayMissed": true} it queues them itself,
// each chained to its call's previous event for that endpoint (previousSeq).

let t: EndpointTestApp;
before(async () => {
  t = await startEndpointTestApp();
});
after(() => t.close());

/** A dtmf-only endpoint, disabled by hand after one call with one digit; then two more digits. */
async function missedTwoDigits(): Promise<{ id: string; callId: string; digitsAt: number }> {
  const { id } = await createEndpoint(t, { eventTypes: ['call.dtmf'] });
  const callId = await createCall(t);
  t.clock.advance(1000);
  assert.equal(
    (await t.request('POST', `/v1/calls/${callId}/dtmf`, { digits: '1' })).statusCode,
    200,
  );
  const off = await t.request('PATCH', `/v1/endpoints/${id}`, { enabled: false });
  assert.equal(off.statusCode, 200, off.body);
  t.clock.advance(1000);
  const digitsAt = t.clock.now();
  assert.equal(
    (await t.request('POST', `/v1/calls/${callId}/dtmf`, { digits: '23' })).statusCode,
    200,
  );
  t.clock.advance(1000);
  return { id, callId, digitsAt };
}

async function deliveries(id: string) {
  const res = await t.request('GET', `/v1/endpoints/${id}/deliveries?limit=500`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json<{ deliveries: { seq: number; previousSeq: number; status: string }[] }>()
    .deliveries;
}

test('enable without a body says what was missed, and the replay request that queues it', async () => {
  const { id, digitsAt } = await missedTwoDigits();
  const wakes = t.wakes;
  const res = await t.request('POST', `/v1/endpoints/${id}/enable`);
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.equal(body.enabled, true);
  assert.deepEqual(body.missed, {
    events: 2,
    replayed: 0,
    replay: {
      method: 'POST',
      path: `/v1/endpoints/${id}/replay`,
      body: { since: digitsAt, until: digitsAt },
    },
  });
  assert.equal(t.wakes, wakes + 1);
  assert.deepEqual(
    (await deliveries(id)).map((d) => d.seq),
    [2],
  );

  // The request it names queues exactly what was missed, chained to seq 2.
  const replay = body.missed.replay;
  const replayed = await t.request(replay.method, replay.path, replay.body);
  assert.deepEqual(replayed.json(), { replayed: 2 });
  assert.deepEqual((await deliveries(id)).map((d) => [d.seq, d.previousSeq]).sort(), [
    [2, 0],
    [3, 2],
    [4, 3],
  ]);
});

test('enable {"replayMissed": true} queues the missed events, chained, and says so', async () => {
  const { id } = await missedTwoDigits();
  const res = await t.request('POST', `/v1/endpoints/${id}/enable`, { replayMissed: true });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json().missed, { events: 2, replayed: 2, replay: null });
  assert.deepEqual((await deliveries(id)).map((d) => [d.seq, d.previousSeq, d.status]).sort(), [
    [2, 0, 'pending'],
    [3, 2, 'pending'],
    [4, 3, 'pending'],
  ]);
});

test('enabling an enabled endpoint changes nothing and missed nothing', async () => {
  const { id } = await createEndpoint(t);
  const before = (await t.request('GET', `/v1/endpoints/${id}`)).json();
  t.clock.advance(1000);
  const wakes = t.wakes;
  const res = await t.request('POST', `/v1/endpoints/${id}/enable`, { replayMissed: true });
  assert.equal(res.statusCode, 200, res.body);
  const { missed, ...view } = res.json();
  assert.deepEqual(missed, { events: 0, replayed: 0, replay: null });
  assert.deepEqual(view, before);
  assert.equal(t.wakes, wakes);
});

test('PATCH enabled:true answers what was missed too', async () => {
  const { id } = await missedTwoDigits();
  const res = await t.request('PATCH', `/v1/endpoints/${id}`, { enabled: true });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().missed.events, 2);
  const other = await t.request('PATCH', `/v1/endpoints/${id}`, { description: 'x' });
  assert.equal(other.json().missed, undefined, 'only a patch that enables tells');
});

test('the enable body is checked: unknown fields and wrong types are refused', async () => {
  const { id } = await createEndpoint(t);
  for (const body of [{ replay: true }, { replayMissed: 'yes' }, [true]]) {
    const res = await t.request('POST', `/v1/endpoints/${id}/enable`, body);
    assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
    assert.equal(res.json().error.code, 'validation_error');
  }
  const empty = await t.request('POST', `/v1/endpoints/${id}/enable`, '', {
    'content-type': 'application/json',
  });
  assert.equal(empty.statusCode, 200, empty.body);
});
