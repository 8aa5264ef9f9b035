import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventFanout, type FanoutPage } from '../../src/http/event-fanout.ts';
import { InProcessChangeFeed } from '../../src/store/in-process-change-feed.ts';
import type { CallStore, EventQuery, StoredEvent } from '../../src/store/port.ts';
import { ADMIN_KEY, startKeyServer } from '../auth/support/key-server.ts';
import { SseClient } from './support/sse-client.ts';
import { API_KEY, createCall, startTestApp } from './support/test-app.ts';

// SSE fan-out: the log is read once per wake-up for every caught-up stream, not once per
// stream, so a command costs the same with 1 or 30 readers; a stream that pushes back leaves
// the shared read instead of holding it; one key holds at most maxStreamsPerKey streams.

async function readsPerCommand(readers: number): Promise<{ reads: number; commands: number }> {
  const t = await startTestApp();
  try {
    let reads = 0;
    const read = t.store.readEvents.bind(t.store);
    t.store.readEvents = (query: EventQuery) => {
      reads++;
      return read(query);
    };
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const clients = await Promise.all(
      Array.from({ length: readers }, () =>
        SseClient.open(`${address}/v1/events/stream?after=0`, {
          authorization: `Bearer ${API_KEY}`,
        }),
      ),
    );
    const callId = await createCall(t);
    await Promise.all(clients.map((c) => c.untilFrames(1)));
    reads = 0;
    const commands = 20;
    for (let i = 0; i < commands; i++) {
      await t.request('POST', `/v1/calls/${callId}/dtmf`, { digits: '1' });
      await Promise.all(clients.map((c) => c.untilFrames(2 + i)));
    }
    for (const c of clients) {
      assert.deepEqual(
        c.frames.map((f) => f.event),
        ['call.created', ...Array(commands).fill('call.dtmf')],
      );
      const ids = c.frames.map((f) => Number(f.id));
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => a - b),
      );
    }
    for (const c of clients) c.close();
    return { reads, commands };
  } finally {
    await t.close();
  }
}

test('a command costs one shared log read, with 1 reader or 30 (the most one key may hold is 32)', async () => {
  const one = await readsPerCommand(1);
  const many = await readsPerCommand(30);
  assert.ok(one.reads <= 2 * one.commands, `1 reader: ${one.reads} reads`);
  assert.ok(
    many.reads <= 2 * many.commands,
    `30 readers: ${many.reads} reads for ${many.commands} commands`,
  );
});

test('streams of some types get only those, fed from the same shared read', async (ctx) => {
  const t = await startTestApp();
  ctx.after(() => t.close());
  const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
  const headers = { authorization: `Bearer ${API_KEY}` };
  const all = await SseClient.open(`${address}/v1/events/stream`, headers);
  const dtmf = await SseClient.open(`${address}/v1/events/stream?types=call.dtmf`, headers);
  const callId = await createCall(t);
  await t.request('POST', `/v1/calls/${callId}/dtmf`, { digits: '12' });
  await t.request('POST', `/v1/calls/${callId}/end`);
  await all.untilFrames(4);
  await dtmf.untilFrames(2);
  assert.deepEqual(
    all.frames.map((f) => f.event),
    ['call.created', 'call.dtmf', 'call.dtmf', 'call.ended'],
  );
  assert.deepEqual(
    dtmf.frames.map((f) => f.id),
    all.frames.filter((f) => f.event === 'call.dtmf').map((f) => f.id),
  );
  all.close();
  dtmf.close();
});

function event(position: number): StoredEvent {
  return {
    id: `e-${position}`,
    callId: 'c',
    seq: position,
    type: 'call.dtmf',
    occurredAt: 0,
    payload: { position },
    position,
  } as unknown as StoredEvent;
}

test('a client that pushes back leaves the shared read; the others keep getting every event', async () => {
  const log: StoredEvent[] = [];
  const store = {
    readEvents: async (q: EventQuery) =>
      log.filter((e) => e.position > (q.after ?? 0)).slice(0, q.limit),
  } as unknown as CallStore;
  const changes = new InProcessChangeFeed();
  const fanout = new EventFanout(
    store,
    changes,
    (e) => {
      throw e;
    },
    0, // no gathering pause: each append is read at once
  );
  const got = { fast: [] as number[], slow: [] as number[] };
  const client = (name: 'fast' | 'slow', keep: boolean) => ({
    cursor: 0,
    deliver(page: FanoutPage) {
      got[name].push(...page.events.map((e) => e.position));
      this.cursor = page.events[page.events.length - 1]!.position;
      return keep;
    },
  });
  assert.equal(fanout.join(client('fast', true)), true);
  assert.equal(fanout.join(client('slow', false)), true);
  assert.equal(fanout.size, 2);
  const append = async (position: number) => {
    log.push(event(position));
    changes.publish({ events: { types: ['call.dtmf'], lastPosition: position } });
    // The shared read runs on the next turn, then awaits the store.
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  await append(1);
  await append(2);
  await append(3);
  assert.deepEqual(got, { fast: [1, 2, 3], slow: [1] });
  assert.equal(fanout.size, 1);
  // A client behind the shared read is refused and catches up alone first.
  assert.equal(fanout.join({ cursor: 1, deliver: () => true }), false);
  fanout.close();
});

test('commits within the gathering pause go out as one page: one write per stream', async () => {
  const log: StoredEvent[] = [];
  const store = {
    readEvents: async (q: EventQuery) =>
      log.filter((e) => e.position > (q.after ?? 0)).slice(0, q.limit),
  } as unknown as CallStore;
  const changes = new InProcessChangeFeed();
  const fanout = new EventFanout(store, changes, () => {}, 40);
  const pages: number[][] = [];
  const client = {
    cursor: 0,
    deliver(page: FanoutPage) {
      pages.push(page.events.map((e) => e.position));
      this.cursor = page.events[page.events.length - 1]!.position;
      return true;
    },
  };
  fanout.join(client);
  for (let p = 1; p <= 4; p++) {
    log.push(event(p));
    changes.publish({ events: { types: ['call.dtmf'], lastPosition: p } });
    await new Promise((resolve) => setImmediate(resolve));
  }
  await new Promise((resolve) => setTimeout(resolve, 120));
  assert.deepEqual(pages.flat(), [1, 2, 3, 4]);
  assert.ok(pages.length <= 2, `${pages.length} pages: ${JSON.stringify(pages)}`);
  fanout.close();
});

test('one key holds at most maxStreamsPerKey streams: 429 with Retry-After, freed on close', async (ctx) => {
  const s = await startKeyServer({ httpLimits: { maxStreamsPerKey: 2 } });
  ctx.after(() => s.close());
  const other = await s.createKey({ name: 'dash', scopes: ['events:read'] });
  const url = `${s.server.url}/v1/events/stream`;
  const admin = { authorization: `Bearer ${ADMIN_KEY}` };
  const a = await SseClient.open(url, admin);
  const b = await SseClient.open(url, admin);
  assert.deepEqual([a.status, b.status], [200, 200]);
  const refused = await fetch(url, { headers: admin });
  assert.equal(refused.status, 429);
  assert.equal(refused.headers.get('retry-after'), '5');
  assert.equal((await refused.json()).error.code, 'rate_limited');
  const c = await SseClient.open(url, { authorization: `Bearer ${other.key}` });
  assert.equal(c.status, 200, 'another key is not held back');
  a.close();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const d = await SseClient.open(url, admin);
  assert.equal(d.status, 200);
  for (const x of [b, c, d]) x.close();
});
