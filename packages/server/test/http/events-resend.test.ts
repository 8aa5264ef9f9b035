import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  createEndpoint,
  type EndpointTestApp,
  startEndpointTestApp,
} from './support/endpoint-test-app.ts';
import { ALICE, createCall } from './support/test-app.ts';

// docs/contract.md §3: POST /v1/events/:eventId/resend {endpointId} queues one event again for
// one endpoint, as replay does (a new delivery, same event id, previousSeq of the endpoint's
// subscription), delivered before or not. 201 with the new delivery.

let t: EndpointTestApp;
let events: { id: string; seq: number; type: string }[];
before(async () => {
  t = await startEndpointTestApp();
  const callId = await createCall(t);
  t.clock.advance(1000);
  await t.request('POST', `/v1/calls/${callId}/participants`, { userId: ALICE });
  t.clock.advance(1000);
  events = (await t.request('GET', `/v1/events?callId=${callId}`)).json().events;
  assert.deepEqual(
    events.map((e) => e.type),
    ['call.created', 'call.user.invited'],
  );
});
after(() => t.close());

const resend = (eventId: string, body: unknown) =>
  t.request('POST', `/v1/events/${eventId}/resend`, body);

test('201 with the new pending delivery of that event; the dispatcher is woken', async () => {
  const { id } = await createEndpoint(t);
  const invited = events[1]!;
  const wakes = t.wakes;
  const res = await resend(invited.id, { endpointId: id });
  assert.equal(res.statusCode, 201, res.body);
  const delivery = res.json();
  assert.match(delivery.id, /^dlv_/);
  assert.deepEqual(
    [delivery.endpointId, delivery.eventId, delivery.seq, delivery.previousSeq],
    [id, invited.id, 2, 1],
  );
  assert.deepEqual(
    [delivery.eventType, delivery.status, delivery.attemptCount, delivery.attempts],
    ['call.user.invited', 'pending', 0, []],
  );
  assert.equal(t.wakes, wakes + 1);
  // Listed among the endpoint's deliveries, as it is.
  const list = (await t.request('GET', `/v1/endpoints/${id}/deliveries`)).json().deliveries;
  assert.deepEqual(
    list.map((d: { id: string }) => d.id),
    [delivery.id],
  );
  // Twice is two deliveries: each resend is asked for.
  const again = await resend(invited.id, { endpointId: id });
  assert.equal(again.statusCode, 201);
  assert.notEqual(again.json().id, delivery.id);
});

test('previousSeq follows the subscription: 0 when no earlier event of the call matches', async () => {
  const { id } = await createEndpoint(t, { eventTypes: ['call.user.invited'] });
  const res = await resend(events[1]!.id, { endpointId: id });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json().previousSeq, 0);
});

test('an event the endpoint does not subscribe to is 409 conflict, and queues nothing', async () => {
  const { id } = await createEndpoint(t, { eventTypes: ['call.dtmf'] });
  const wakes = t.wakes;
  const res = await resend(events[0]!.id, { endpointId: id });
  assert.equal(res.statusCode, 409, res.body);
  assert.equal(res.json().error.code, 'conflict');
  assert.match(res.json().error.message, /does not subscribe/);
  assert.deepEqual(
    (await t.request('GET', `/v1/endpoints/${id}/deliveries`)).json().deliveries,
    [],
  );
  assert.equal(t.wakes, wakes);
});

test('an unknown event or endpoint is 404 not_found', async () => {
  const { id } = await createEndpoint(t);
  const missingEvent = await resend('0190a1b2-c3d4-4e5f-8a6b-7c8d9e0f1a2b', { endpointId: id });
  assert.equal(missingEvent.statusCode, 404, missingEvent.body);
  assert.equal(missingEvent.json().error.code, 'not_found');
  assert.match(missingEvent.json().error.message, /event 0190a1b2-/);
  const missingEndpoint = await resend(events[0]!.id, { endpointId: 'ep_missing' });
  assert.equal(missingEndpoint.statusCode, 404, missingEndpoint.body);
  assert.equal(missingEndpoint.json().error.code, 'not_found');
  assert.match(missingEndpoint.json().error.message, /endpoint ep_missing/);
});

test('a malformed event id or body is a validation_error naming the field', async () => {
  const { id } = await createEndpoint(t);
  const cases: [string, unknown, string][] = [
    ['not-a-uuid', { endpointId: id }, 'eventId'],
    [events[0]!.id, {}, 'endpointId'],
    [events[0]!.id, { endpointId: id, since: 0 }, 'since'],
  ];
  for (const [eventId, body, path] of cases) {
    const res = await resend(eventId, body);
    assert.equal(res.statusCode, 400, `${eventId} ${JSON.stringify(body)}: ${res.body}`);
    const { error } = res.json();
    assert.equal(error.code, 'validation_error');
    assert.ok(
      error.details.some((d: { path: string }) => d.path === path),
      JSON.stringify(error.details),
    );
  }
});
