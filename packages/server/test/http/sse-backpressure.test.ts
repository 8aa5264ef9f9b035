import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import { ManualClock } from '../../src/clock.ts';
import { EventStreamSession, STREAM_PAGE_SIZE } from '../../src/http/event-stream-session.ts';
import { InProcessChangeFeed } from '../../src/store/in-process-change-feed.ts';
import type { CallStore, EventQuery } from '../../src/store/port.ts';
import { eventually } from './support/sse-client.ts';
import { createCall, startTestApp } from './support/test-app.ts';

// A slow SSE client must not make the server read the log ahead of it: the stream reads one
// page, and when the socket pushes back it waits for 'drain' before reading the next.

/** A response whose socket accepts nothing until `flow()` is called. */
class SlowResponse extends Writable {
  text = '';
  private flowing = false;
  private held: (() => void)[] = [];

  constructor() {
    super({ highWaterMark: 1024, decodeStrings: false });
  }

  override _write(chunk: string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk;
    if (this.flowing) done();
    else this.held.push(done);
  }

  flow(): void {
    this.flowing = true;
    for (const done of this.held.splice(0)) done();
  }

  writeHead(): this {
    return this;
  }

  flushHeaders(): void {}

  frameIds(): number[] {
    return [...this.text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
  }
}

test('a stream waits for drain before reading the next page of the log', async (ctx) => {
  const t = await startTestApp();
  ctx.after(() => t.close());
  const callId = await createCall(t);
  for (let i = 0; i < 11; i++) {
    await t.request('POST', `/v1/calls/${callId}/dtmf`, { digits: '0123456789*#ABCD'.repeat(2) });
  }
  const total = await t.store.lastEventPosition();
  assert.equal(total, 1 + 11 * 32);

  let reads = 0;
  const store = {
    readEvents: (query: EventQuery) => {
      reads++;
      return t.store.readEvents(query);
    },
  } as unknown as CallStore;
  const errors: unknown[] = [];
  const log = { error: (e: unknown) => errors.push(e) } as unknown as FastifyBaseLogger;
  const response = new SlowResponse();
  let closed = false;
  const session = new EventStreamSession({
    response: response as unknown as ServerResponse,
    store,
    changes: new InProcessChangeFeed(),
    clock: new ManualClock(),
    log,
    after: 0,
    types: undefined,
    heartbeatMs: 1_000,
    onClose: () => {
      closed = true;
    },
  });
  session.start();

  await eventually(() => response.writableNeedDrain && reads === 1, 'blocked on the first page');
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(reads, 1, 'no page is read while the client is not reading');
  assert.equal(response.frameIds().length, 1, 'only what the socket took so far');

  response.flow();
  await eventually(() => response.frameIds().length === total, 'every event written');
  assert.deepEqual(
    response.frameIds(),
    Array.from({ length: total }, (_, i) => i + 1),
  );
  assert.equal(reads, Math.ceil(total / STREAM_PAGE_SIZE));

  session.close();
  assert.ok(closed);
  assert.deepEqual(errors, []);
});

test('closing a stream that waits for drain ends it quietly', async (ctx) => {
  const t = await startTestApp();
  ctx.after(() => t.close());
  const callId = await createCall(t);
  await t.request('POST', `/v1/calls/${callId}/dtmf`, { digits: '0123456789*#ABCD'.repeat(2) });
  const errors: unknown[] = [];
  const response = new SlowResponse();
  const session = new EventStreamSession({
    response: response as unknown as ServerResponse,
    store: t.store,
    changes: t.store.changes,
    clock: t.clock,
    log: { error: (e: unknown) => errors.push(e) } as unknown as FastifyBaseLogger,
    after: 0,
    types: undefined,
    heartbeatMs: 1_000,
    onClose: () => {},
  });
  session.start();
  await eventually(() => response.writableNeedDrain, 'blocked');
  session.close();
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(errors, []);
  // Commits after the close wake nothing and write nothing.
  const written = response.text.length;
  await t.request('POST', `/v1/calls/${callId}/end`);
  response.flow();
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(response.text.length >= written);
  assert.doesNotMatch(response.text, /call\.ended/);
});
