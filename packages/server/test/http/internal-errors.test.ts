import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCall, startTestApp } from './support/test-app.ts';

// An unexpected failure is 500 `internal`: logged with its stack, while the client gets the
// envelope with a request id and nothing of the internals.

test('an unexpected error is 500 internal, logged, with no stack or internal message in the body', async (ctx) => {
  const logs: string[] = [];
  const t = await startTestApp({
    logger: { level: 'error', stream: { write: (line: string) => logs.push(line) } },
  });
  ctx.after(() => t.close());
  const callId = await createCall(t);
  t.store.closeSync(); // every query now throws (a database gone away)

  for (const url of ['/v1/events', `/v1/calls/${callId}`, '/v1/calls']) {
    const res = await t.request('GET', url);
    assert.equal(res.statusCode, 500, `${url}: ${res.body}`);
    const body = res.json<{
      error: { code: string; message: string; details: { requestId: string } };
    }>();
    assert.equal(body.error.code, 'internal');
    assert.doesNotMatch(res.body, /database|sqlite|\bat\s.+\.ts/i);
    assert.ok(body.error.details.requestId.length > 0);
    const logged = logs.map((l) => JSON.parse(l) as { reqId: string; err?: { stack?: string } });
    const entry = logged.find((l) => l.reqId === body.error.details.requestId);
    assert.ok(entry?.err?.stack, `no logged stack for ${url}`);
  }
});
