import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IdempotencyRecord } from '../../../src/store/port.ts';
import { allEvents, command, dtmf, startCall, T0 } from './call-commands.ts';
import type { StoreFactory } from './store-factory.ts';

// CallStore.runCommand: one transaction per command, all or nothing, one call's commands in order.

const KEY = { scope: 'POST /v1/calls/:id/dtmf', key: 'key-1' };

function record(fields: Partial<IdempotencyRecord> = {}): IdempotencyRecord {
  return {
    ...KEY,
    requestHash: 'hash-1',
    created: false,
    responseBody: '{"ok":true}',
    createdAt: T0,
    ...fields,
  };
}

export function commandsContract(open: StoreFactory): void {
  test('a command writes its state, events and idempotency record together, and returns its result', async (t) => {
    const { calls } = await open(t);
    const call = await startCall(calls);
    const callId = call.state.callId;
    const result = await calls.runCommand(
      callId,
      (current, saved) => {
        assert.deepEqual(current, call.state);
        assert.equal(saved, undefined);
        return {
          state: { ...current!, updatedAt: T0 + 5 },
          events: [],
          idempotency: record(),
          result: 'done',
        };
      },
      { idempotencyKey: KEY },
    );
    assert.equal(result, 'done');
    assert.deepEqual(await calls.getCall(callId), { ...call.state, updatedAt: T0 + 5 });
    assert.deepEqual(await calls.getIdempotency(KEY.scope, KEY.key), record());
    const events = await allEvents(calls);
    assert.deepEqual(
      events.map(({ position: _, ...e }) => e),
      call.events,
    );
  });

  test('decide sees no state for an unknown call and no record for an unknown key', async (t) => {
    const { calls } = await open(t);
    const seen = await calls.runCommand(
      'no-such-call',
      (current, saved) => ({ events: [], result: [current, saved] }),
      { idempotencyKey: KEY },
    );
    assert.deepEqual(seen, [undefined, undefined]);
    assert.equal(await calls.getCall('no-such-call'), undefined);
    assert.equal(await calls.getIdempotency(KEY.scope, KEY.key), undefined);
  });

  test('a throwing decide writes nothing and its error reaches the caller', async (t) => {
    const { calls } = await open(t);
    const call = await startCall(calls);
    const before = await calls.lastEventPosition();
    const boom = new Error('decide failed');
    await assert.rejects(
      calls.runCommand(
        call.state.callId,
        () => {
          throw boom;
        },
        { idempotencyKey: KEY },
      ),
      (error) => error === boom,
    );
    assert.deepEqual(await calls.getCall(call.state.callId), call.state);
    assert.equal(await calls.lastEventPosition(), before);
    assert.equal(await calls.getIdempotency(KEY.scope, KEY.key), undefined);
    // The store is still usable, and the call goes on from where it was.
    const next = await dtmf(calls, call.state.callId, '1');
    assert.deepEqual(
      next.events.map((e) => e.seq),
      [2],
    );
  });

  test('a failed command leaves the other commands of the same moment written', async (t) => {
    const { calls } = await open(t);
    const [a, b] = await Promise.all([startCall(calls), startCall(calls)]);
    const results = await Promise.allSettled([
      dtmf(calls, a.state.callId, '1'),
      calls.runCommand(b.state.callId, () => {
        throw new Error('no');
      }),
      dtmf(calls, b.state.callId, '2'),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.equal((await calls.getCall(a.state.callId))?.lastSeq, 2);
    assert.equal((await calls.getCall(b.state.callId))?.lastSeq, 2);
    assert.equal((await allEvents(calls)).length, 4);
  });

  test('commands on one call run one after another, each seeing the state the previous wrote', async (t) => {
    const { calls } = await open(t);
    const call = await startCall(calls);
    const callId = call.state.callId;
    // Issued together, none awaited before the next starts.
    const written = await Promise.all(
      Array.from({ length: 12 }, (_, i) => dtmf(calls, callId, String(i % 10), T0 + i)),
    );
    assert.deepEqual(
      written.map((w) => w.events[0]?.seq),
      Array.from({ length: 12 }, (_, i) => i + 2),
    );
    const state = await calls.getCall(callId);
    assert.equal(state?.lastSeq, 13);
    const seqs = (await calls.readEvents({ callId, limit: 100 })).map((e) => e.seq);
    assert.deepEqual(
      seqs,
      Array.from({ length: 13 }, (_, i) => i + 1),
    );
  });

  test('the saved idempotency record is handed to the next command with that key, in its scope only', async (t) => {
    const { calls } = await open(t);
    const call = await startCall(calls);
    const callId = call.state.callId;
    await calls.runCommand(callId, () => ({ events: [], idempotency: record(), result: null }), {
      idempotencyKey: KEY,
    });
    const again = await calls.runCommand(
      callId,
      (_current, saved) => ({ events: [], result: saved }),
      {
        idempotencyKey: KEY,
      },
    );
    assert.deepEqual(again, record());
    const otherScope = await calls.runCommand(
      callId,
      (_current, saved) => ({ events: [], result: saved }),
      { idempotencyKey: { scope: 'POST /v1/calls/:id/end', key: KEY.key } },
    );
    assert.equal(otherScope, undefined);
    assert.equal(await calls.getIdempotency('POST /v1/calls/:id/end', KEY.key), undefined);
  });

  test('a record saved without state or events leaves the call as it was', async (t) => {
    const { calls } = await open(t);
    const call = await startCall(calls);
    const before = await calls.lastEventPosition();
    const saved = record({ created: true, responseBody: '{"callId":"c"}' });
    await calls.runCommand(
      call.state.callId,
      () => ({ events: [], idempotency: saved, result: null }),
      {
        idempotencyKey: KEY,
      },
    );
    assert.deepEqual(await calls.getIdempotency(KEY.scope, KEY.key), saved);
    assert.deepEqual(await calls.getCall(call.state.callId), call.state);
    assert.equal(await calls.lastEventPosition(), before);
  });

  test('an ended call leaves the active set; a new one joins it', async (t) => {
    const { calls } = await open(t);
    const [a, b] = await Promise.all([startCall(calls), startCall(calls)]);
    assert.equal(await calls.countActiveCalls(), 2);
    await command(calls, a.state.callId, { type: 'end' }, T0 + 1);
    assert.equal(await calls.countActiveCalls(), 1);
    assert.deepEqual(
      (await calls.listActiveCalls()).map((c) => c.callId),
      [b.state.callId],
    );
    await calls.ping();
  });
}
