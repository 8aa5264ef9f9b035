import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SseClient } from './support/sse-client.ts';
import { ALICE, API_KEY, createCall, startTestApp, type TestApp } from './support/test-app.ts';

// The stream filters like the log: `?type=` (a comma list), with `?types=` accepted as its
// first name; both give the same frames as GET /v1/events?type= over the same range.

const auth = { authorization: `Bearer ${API_KEY}` };
let t: TestApp;
let base: string;
const open: SseClient[] = [];

before(async () => {
  t = await startTestApp();
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  const callId = await createCall(t);
  await t.request('POST', `/v1/calls/${callId}/participants`, { userId: ALICE });
  await t.request('POST', `/v1/calls/${callId}/dtmf`, { digits: '12' });
  await t.request('POST', `/v1/calls/${callId}/end`);
});
after(async () => {
  for (const client of open) client.close();
  await t.close();
});

async function streamTypes(query: string): Promise<string[]> {
  const client = await SseClient.open(`${base}/v1/events/stream?after=0&${query}`, auth);
  open.push(client);
  assert.equal(client.status, 200);
  await client.untilFrames(3);
  return client.frames.map((f) => `${f.event} ${f.data}`);
}

test('?type= and ?types= filter the stream alike, as ?type= filters the log', async () => {
  const log = await t.request('GET', '/v1/events?type=call.dtmf,call.ended');
  const events = log.json<{ events: { type: string; payload: unknown }[] }>().events;
  assert.deepEqual(
    events.map((e) => e.type),
    ['call.dtmf', 'call.dtmf', 'call.ended'],
  );
  const expected = events.map((e) => `${e.type} ${JSON.stringify(e.payload)}`);
  assert.deepEqual(await streamTypes('type=call.dtmf,call.ended'), expected);
  assert.deepEqual(await streamTypes('types=call.dtmf,call.ended'), expected);
  assert.deepEqual(await streamTypes('type=call.dtmf&types=call.ended'), expected);
});

test('an unknown type in either is a 400 naming the parameter', async () => {
  for (const name of ['type', 'types']) {
    const res = await t.request('GET', `/v1/events/stream?${name}=call.nope`);
    assert.equal(res.statusCode, 400);
    const body = res.json<{ error: { code: string; details: { in: string; path: string }[] } }>();
    assert.equal(body.error.code, 'validation_error');
    assert.deepEqual(
      body.error.details.map((d) => [d.in, d.path.split('.')[0]]),
      [['querystring', name]],
    );
  }
});
