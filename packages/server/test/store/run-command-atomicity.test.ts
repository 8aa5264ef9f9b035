import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallState } from '../../src/engine/call-state.ts';
import type { IdempotencyRecord } from '../../src/store/port.ts';
import { StoreError } from '../../src/store/sqlite/index.ts';
import { createCall, endCall, sendDigits } from './fixtures/fabricated-calls.ts';
import { tempStore } from './fixtures/temp-store.ts';

const T0 = Date.UTC(2026, 0, 1);

function record(key: string, body: string): IdempotencyRecord {
  return {
    scope: 'POST /v1/calls',
    key,
    requestHash: `hash-of-${key}`,
    created: true,
    responseBody: body,
    createdAt: T0,
  };
}

test('a command writes state, events and idempotency record, and returns its result', async (t) => {
  const { store } = tempStore(t);
  const { state, events } = createCall({ at: T0 });
  const saved = record('k1', JSON.stringify(state));

  const result = await store.runCommand(
    state.callId,
    (current, previous) => {
      assert.equal(current, undefined);
      assert.equal(previous, undefined);
      return { state, events, idempotency: saved, result: 'created' };
    },
    { idempotencyKey: { scope: saved.scope, key: saved.key } },
  );

  assert.equal(result, 'created');
  assert.deepEqual(await store.getCall(state.callId), state);
  assert.deepEqual(await store.readEvents({ limit: 10 }), [{ ...events[0]!, position: 1 }]);
  assert.deepEqual(await store.getIdempotency(saved.scope, saved.key), saved);
  assert.equal(await store.lastEventPosition(), 1);
});

test('decide sees the current state, and the saved record of the key it was given', async (t) => {
  const { store } = tempStore(t);
  const created = createCall({ at: T0 });
  const saved = record('k1', 'first response');
  await store.runCommand(created.state.callId, () => ({
    ...created,
    idempotency: saved,
    result: null,
  }));

  const seen: [CallState | undefined, IdempotencyRecord | undefined][] = [];
  const key = { scope: saved.scope, key: saved.key };
  // A replay: the decision returns the saved response and writes nothing.
  const replayed = await store.runCommand(
    created.state.callId,
    (current, previous) => {
      seen.push([current, previous]);
      return { events: [], result: previous?.responseBody };
    },
    { idempotencyKey: key },
  );
  await store.runCommand(created.state.callId, (current, previous) => {
    seen.push([current, previous]);
    return { events: [], result: null };
  });

  assert.equal(replayed, 'first response');
  assert.deepEqual(seen, [
    [created.state, saved],
    [created.state, undefined],
  ]);
  assert.equal(await store.lastEventPosition(), 1);
});

test('a decide that throws writes nothing, and the promise rejects with its error', async (t) => {
  const { store } = tempStore(t);
  const { state } = createCall({ at: T0 });
  const boom = new Error('invalid transition');

  await assert.rejects(
    store.runCommand(state.callId, () => {
      throw boom;
    }),
    (error) => error === boom,
  );

  assert.equal(await store.getCall(state.callId), undefined);
  assert.equal(await store.lastEventPosition(), 0);
});

test('a duplicate (callId, seq) fails the command and rolls back every write of it', async (t) => {
  const { store } = tempStore(t);
  const created = createCall({ at: T0 });
  await store.runCommand(created.state.callId, () => ({ ...created, result: null }));

  // seq 2 is new, then seq 1 again: the state and the first insert must be undone too.
  const digits = sendDigits(created.state, '5', T0 + 1000);
  const duplicate = { ...created.events[0]!, id: 'another-id' };
  await assert.rejects(
    store.runCommand(created.state.callId, () => ({
      state: { ...digits.state, lastSeq: 3 },
      events: [...digits.events, duplicate],
      idempotency: record('k2', 'never saved'),
      result: null,
    })),
    (error: unknown) => (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE',
  );

  assert.deepEqual(await store.getCall(created.state.callId), created.state);
  assert.deepEqual(
    (await store.readEvents({ limit: 10 })).map((e) => e.seq),
    [1],
  );
  assert.equal(await store.getIdempotency('POST /v1/calls', 'k2'), undefined);
});

test('events of a call that has no state are refused', async (t) => {
  const { store } = tempStore(t);
  const { state, events } = createCall({ at: T0 });
  await assert.rejects(
    store.runCommand(state.callId, () => ({ events, result: null })),
    (error: unknown) => (error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY',
  );
  assert.equal(await store.lastEventPosition(), 0);
});

test('an outcome for another call is refused as invalid_outcome, writing nothing', async (t) => {
  const { store } = tempStore(t);
  const { state, events } = createCall({ at: T0 });
  await assert.rejects(
    store.runCommand('some-other-call', () => ({ state, events, result: null })),
    (error: unknown) => error instanceof StoreError && error.code === 'invalid_outcome',
  );
  assert.equal(await store.getCall(state.callId), undefined);
  assert.equal(await store.lastEventPosition(), 0);
});

test('hooks run inside the transaction with the stored events; a failing hook aborts all', async (t) => {
  const { store } = tempStore(t);
  const created = createCall({ at: T0 });
  const seen: { positions: number[]; visible: number }[] = [];
  const remove = store.onEventsAppended((db, events) => {
    const visible = db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number };
    seen.push({ positions: events.map((e) => e.position), visible: visible.n });
  });
  await store.runCommand(created.state.callId, () => ({ ...created, result: null }));
  remove();
  assert.deepEqual(seen, [{ positions: [1], visible: 1 }]);

  store.onEventsAppended(() => {
    throw new Error('outbox write failed');
  });
  const ended = endCall(created.state, T0 + 5000);
  await assert.rejects(
    store.runCommand(created.state.callId, () => ({ ...ended, result: null })),
    /outbox write failed/,
  );
  assert.deepEqual(await store.getCall(created.state.callId), created.state);
  assert.equal(await store.lastEventPosition(), 1);
});

test('commands on one call run one after another, each on the state the previous wrote', async (t) => {
  const { store } = tempStore(t);
  const created = createCall({ at: T0 });
  await store.runCommand(created.state.callId, () => ({ ...created, result: null }));

  await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      store.runCommand(created.state.callId, (current) => ({
        ...sendDigits(current!, String(i % 10), T0 + i),
        result: null,
      })),
    ),
  );

  assert.equal((await store.getCall(created.state.callId))!.lastSeq, 51);
  const seqs = (await store.readEvents({ callId: created.state.callId, limit: 100 })).map(
    (e) => e.seq,
  );
  assert.deepEqual(
    seqs,
    Array.from({ length: 51 }, (_, i) => i + 1),
  );
});

test("two stores on one file see each other's commands", async (t) => {
  const { store, reopen } = tempStore(t);
  const other = reopen();
  const created = createCall({ at: T0 });
  await store.runCommand(created.state.callId, () => ({ ...created, result: null }));
  await other.runCommand(created.state.callId, (current) => ({
    ...endCall(current!, T0 + 1),
    result: null,
  }));
  assert.equal((await store.getCall(created.state.callId))!.status, 'ended');
  assert.equal(await store.lastEventPosition(), 2);
});
