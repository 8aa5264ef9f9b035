import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineEvent } from '../../src/engine/call-state.ts';
import { CallhookError } from '../../src/errors.ts';
import type { StoredEvent } from '../../src/store/port.ts';
import type { SqliteStore } from '../../src/store/sqlite/index.ts';
import { type Change, createCall, endCall, sendDigits } from './fixtures/fabricated-calls.ts';
import { tempStore } from './fixtures/temp-store.ts';

const T0 = Date.UTC(2026, 0, 1);

/** Three calls whose commands interleave: created, digits, ended. Returns events in log order. */
async function seed(store: SqliteStore): Promise<EngineEvent[]> {
  const log: EngineEvent[] = [];
  const apply = async (change: Change) => {
    await store.runCommand(change.state.callId, () => ({ ...change, result: null }));
    log.push(...change.events);
    return change.state;
  };
  const calls = [];
  for (let i = 0; i < 3; i++) calls.push(await apply(createCall({ at: T0 + i })));
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < 3; i++) {
      calls[i] = await apply(sendDigits(calls[i]!, `${round}${i}`, T0 + 100 * round + i));
    }
  }
  for (let i = 0; i < 3; i++) await apply(endCall(calls[i]!, T0 + 1000 + i));
  return log;
}

const withoutPosition = (events: StoredEvent[]) =>
  events.map(({ position: _, ...event }) => event as EngineEvent);

test('events come back exactly as appended, in log order, with rising positions', async (t) => {
  const { store } = tempStore(t);
  const log = await seed(store);
  const events = await store.readEvents({ limit: 1000 });
  assert.deepEqual(withoutPosition(events), log);
  assert.deepEqual(
    events.map((e) => e.position),
    log.map((_, i) => i + 1),
  );
  assert.equal(await store.lastEventPosition(), log.length);
});

test('reading page after page from the last position gives every event once', async (t) => {
  const { store } = tempStore(t);
  const log = await seed(store);
  const read: StoredEvent[] = [];
  let after = 0;
  for (;;) {
    const page = await store.readEvents({ after, limit: 4 });
    if (page.length === 0) break;
    read.push(...page);
    after = page[page.length - 1]!.position;
  }
  assert.deepEqual(withoutPosition(read), log);
  assert.deepEqual(
    await store.readEvents({ after: await store.lastEventPosition(), limit: 10 }),
    [],
  );
});

test('a callId filter gives that call in seq order, also after a position', async (t) => {
  const { store } = tempStore(t);
  const log = await seed(store);
  const callId = log[1]!.callId;
  const ofCall = log.filter((e) => e.callId === callId);

  const all = await store.readEvents({ callId, limit: 100 });
  assert.deepEqual(withoutPosition(all), ofCall);
  assert.deepEqual(
    all.map((e) => e.seq),
    ofCall.map((_, i) => i + 1),
  );

  const later = await store.readEvents({ callId, after: all[3]!.position, limit: 2 });
  assert.deepEqual(withoutPosition(later), ofCall.slice(4, 6));
  assert.deepEqual(await store.readEvents({ callId: 'no-such-call', limit: 10 }), []);
});

test('a types filter gives only those types; absent or empty means every type', async (t) => {
  const { store } = tempStore(t);
  const log = await seed(store);
  const boundaries = await store.readEvents({ types: ['call.created', 'call.ended'], limit: 100 });
  assert.deepEqual(
    withoutPosition(boundaries),
    log.filter((e) => e.type === 'call.created' || e.type === 'call.ended'),
  );

  const callId = log[2]!.callId;
  const ended = await store.readEvents({ callId, types: ['call.ended'], limit: 100 });
  assert.deepEqual(
    withoutPosition(ended),
    log.filter((e) => e.callId === callId && e.type === 'call.ended'),
  );

  assert.equal((await store.readEvents({ types: [], limit: 1000 })).length, log.length);
  assert.deepEqual(await store.readEvents({ types: ['call.user.paused'], limit: 10 }), []);
});

test('an empty log has position 0; a bad limit or position is a validation_error', async (t) => {
  const { store } = tempStore(t);
  assert.equal(await store.lastEventPosition(), 0);
  assert.deepEqual(await store.readEvents({ limit: 10 }), []);
  const isValidationError = (error: unknown) =>
    error instanceof CallhookError && error.code === 'validation_error';
  for (const limit of [0, -5, 2.5]) {
    await assert.rejects(store.readEvents({ limit }), isValidationError);
  }
  for (const after of [-1, 0.5, Number.NaN]) {
    await assert.rejects(store.readEvents({ after, limit: 10 }), isValidationError);
  }
});
