import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoredEvent } from '../../../src/store/port.ts';
import { allEvents, command, dtmf, startCall, T0 } from './call-commands.ts';
import type { StoreFactory } from './store-factory.ts';

// CallStore.readEvents and lastEventPosition: the log behind `/v1/events`, read by cursor.

const strip = ({ position: _, ...event }: StoredEvent) => event;

function assertIncreasing(events: readonly StoredEvent[]): void {
  for (let i = 1; i < events.length; i++) {
    assert.ok(events[i]!.position > events[i - 1]!.position, `positions increase at ${i}`);
  }
}

export function eventLogContract(open: StoreFactory): void {
  test('an empty log has position 0 and no events', async (t) => {
    const { calls } = await open(t);
    assert.equal(await calls.lastEventPosition(), 0);
    assert.deepEqual(await calls.readEvents({ limit: 10 }), []);
  });

  test('events come back as written, in commit order, with strictly increasing positions', async (t) => {
    const { calls } = await open(t);
    const a = await startCall(calls);
    const b = await startCall(calls, { threadId: 'thread-2' });
    const a2 = await dtmf(calls, a.state.callId, '12', T0 + 1);
    const b2 = await command(calls, b.state.callId, { type: 'invite', userId: 'u1' }, T0 + 2);
    const events = await allEvents(calls);
    assert.deepEqual(events.map(strip), [...a.events, ...b.events, ...a2.events, ...b2.events]);
    assertIncreasing(events);
    assert.ok(events[0]!.position > 0);
    assert.equal(await calls.lastEventPosition(), events.at(-1)!.position);
  });

  test('after, callId, types and limit select from the log', async (t) => {
    const { calls } = await open(t);
    const a = await startCall(calls);
    const b = await startCall(calls);
    await dtmf(calls, a.state.callId, '123');
    await dtmf(calls, b.state.callId, '45');
    const events = await allEvents(calls);
    const cursor = events[2]!.position;

    assert.deepEqual(await calls.readEvents({ after: cursor, limit: 100 }), events.slice(3));
    assert.deepEqual(await calls.readEvents({ after: cursor, limit: 2 }), events.slice(3, 5));
    assert.deepEqual(
      await calls.readEvents({ callId: b.state.callId, limit: 100 }),
      events.filter((e) => e.callId === b.state.callId),
    );
    assert.deepEqual(
      await calls.readEvents({ types: ['call.created'], limit: 100 }),
      events.filter((e) => e.type === 'call.created'),
    );
    assert.deepEqual(
      await calls.readEvents({
        after: cursor,
        callId: a.state.callId,
        types: ['call.dtmf', 'call.ended'],
        limit: 1,
      }),
      events.filter((e) => e.position > cursor && e.callId === a.state.callId).slice(0, 1),
    );
    assert.deepEqual(await calls.readEvents({ after: events.at(-1)!.position, limit: 10 }), []);
  });

  test('a reader paging by `after` while commands on many calls commit sees every event once', async (t) => {
    const { calls } = await open(t);
    const started = await Promise.all(Array.from({ length: 6 }, () => startCall(calls)));
    const seen: StoredEvent[] = [];
    let cursor = 0;
    const readPage = async () => {
      const page = await calls.readEvents({ after: cursor, limit: 3 });
      for (const e of page) assert.ok(e.position > cursor, 'a page starts after its cursor');
      seen.push(...page);
      if (page.length > 0) cursor = page.at(-1)!.position;
    };
    let writing = true;
    const reader = (async () => {
      while (writing) {
        await readPage();
        // Lets the writers' commits in between (a turn of the event loop, not a sleep).
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const writers = started.map(async (call, i) => {
      for (let round = 0; round < 8; round++) {
        await dtmf(calls, call.state.callId, String((i + round) % 10), T0 + round);
      }
    });
    await Promise.all(writers);
    writing = false;
    await reader;
    const last = await calls.lastEventPosition();
    while (cursor < last) await readPage();

    const all = await allEvents(calls);
    assert.equal(all.length, 6 + 6 * 8);
    assert.deepEqual(seen, all);
    assertIncreasing(seen);
  });
}
