import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallhookError } from '../../../src/errors.ts';
import { allEvents, command, dtmf, startCall, T0 } from './call-commands.ts';
import { deliveriesOf, drain, endpoint } from './delivery-records.ts';
import type { StoreFactory } from './store-factory.ts';

// Store.retention (store/retention-port.ts): the log is cut at its start only, in batches,
// with the deliveries of what it removes; never past an event a pending delivery needs; and
// the cursor and replay answer `retention_expired` for what was removed.

const HOUR = 60 * 60_000;

function expired(error: unknown): boolean {
  return error instanceof CallhookError && error.code === 'retention_expired';
}

export function retentionContract(open: StoreFactory): void {
  test('nothing to remove: counts are 0, the horizon stays at 0', async (t) => {
    const { retention, calls } = await open(t);
    await startCall(calls, { at: T0 });
    const removed = await retention.removeBefore(T0, 100);
    assert.deepEqual(removed, {
      events: 0,
      deliveries: 0,
      calls: 0,
      idempotencyRecords: 0,
      more: false,
    });
    assert.deepEqual(await retention.horizon(), { removedThrough: 0, removedBefore: 0 });
  });

  test('removes the events older than the cut, in batches, oldest first, and keeps the rest whole', async (t) => {
    const { retention, calls } = await open(t);
    const old = await startCall(calls, { at: T0 });
    await dtmf(calls, old.state.callId, '12345', T0 + 1); // 6 old events
    const recent = await startCall(calls, { at: T0 + 2 * HOUR });
    const before = (await allEvents(calls)).filter((e) => e.occurredAt < T0 + HOUR);
    assert.equal(before.length, 6);

    const first = await retention.removeBefore(T0 + HOUR, 4);
    assert.equal(first.events, 4);
    assert.equal(first.more, true);
    const second = await retention.removeBefore(T0 + HOUR, 4);
    assert.equal(second.events, 2);
    assert.equal(second.more, false);

    const left = await allEvents(calls);
    assert.deepEqual(
      left.map((e) => e.id),
      recent.events.map((e) => e.id),
    );
    const horizon = await retention.horizon();
    assert.equal(horizon.removedThrough, before.at(-1)!.position);
    assert.equal(horizon.removedBefore, T0 + HOUR);
    // An active call stays, its events gone or not: its state is still readable.
    assert.equal((await calls.getCall(old.state.callId))?.callId, old.state.callId);
  });

  test('an ended call goes once its events are all removed; an ended call with events kept stays', async (t) => {
    const { retention, calls } = await open(t);
    const old = await startCall(calls, { at: T0 });
    await command(calls, old.state.callId, { type: 'end' }, T0 + 1);
    const late = await startCall(calls, { at: T0 + 2 });
    await command(calls, late.state.callId, { type: 'end' }, T0 + 2 * HOUR);
    const removed = await retention.removeBefore(T0 + HOUR, 100);
    assert.equal(removed.calls, 1);
    assert.equal(await calls.getCall(old.state.callId), undefined);
    // `late` was created before the cut but ended after it: its last events are kept.
    assert.equal((await calls.getCall(late.state.callId))?.status, 'ended');
  });

  test('a cursor inside the removed range is refused with retention_expired; none or 0 reads from the oldest kept', async (t) => {
    const { retention, calls } = await open(t);
    const old = await startCall(calls, { at: T0 });
    await dtmf(calls, old.state.callId, '12', T0);
    const recent = await startCall(calls, { at: T0 + 2 * HOUR });
    const [first] = await allEvents(calls);
    await retention.removeBefore(T0 + HOUR, 100);

    await assert.rejects(calls.readEvents({ after: first!.position, limit: 10 }), expired);
    const fromStart = await calls.readEvents({ limit: 10 });
    assert.deepEqual(
      fromStart.map((e) => e.id),
      recent.events.map((e) => e.id),
    );
    assert.deepEqual(
      (await calls.readEvents({ after: 0, limit: 10 })).map((e) => e.id),
      recent.events.map((e) => e.id),
    );
    // At the horizon itself nothing is missed: the read goes on.
    const { removedThrough } = await retention.horizon();
    assert.equal((await calls.readEvents({ after: removedThrough, limit: 10 })).length, 1);
  });

  test('deliveries of removed events go with them; an event a pending delivery needs stops the cut', async (t) => {
    const { retention, calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep-1'));
    const a = await startCall(calls, { at: T0 });
    await drain(deliveries, T0); // a's delivery is delivered
    const b = await startCall(calls, { at: T0 + 1 }); // b's delivery stays pending
    await startCall(calls, { at: T0 + 2 });
    assert.equal((await deliveriesOf(deliveries, 'ep-1')).length, 3);

    const removed = await retention.removeBefore(T0 + HOUR, 100);
    assert.equal(removed.events, 1, 'only the event before the pending one');
    assert.equal(removed.deliveries, 1);
    const left = await deliveriesOf(deliveries, 'ep-1');
    assert.deepEqual(
      left.map((d) => d.callId).sort(),
      [b.state.callId, (await allEvents(calls))[1]!.callId].sort(),
    );
    assert.ok(!left.some((d) => d.callId === a.state.callId));
    assert.equal(
      (await retention.horizon()).removedBefore,
      T0 + 1,
      'b is kept, so replay from T0+1 still works',
    );

    await drain(deliveries, T0 + 3); // b delivered: nothing holds the cut any more
    const rest = await retention.removeBefore(T0 + HOUR, 100);
    assert.equal(rest.events, 2);
    assert.equal(rest.deliveries, 2);
    assert.deepEqual(await deliveriesOf(deliveries, 'ep-1'), []);
  });

  test('replay from before the horizon is refused with retention_expired; from after it, it works', async (t) => {
    const { retention, calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep-1'));
    await startCall(calls, { at: T0 });
    await startCall(calls, { at: T0 + 2 * HOUR });
    await drain(deliveries, T0 + 2 * HOUR);
    await retention.removeBefore(T0 + HOUR, 100);
    await assert.rejects(deliveries.replay('ep-1', T0, T0 + 3 * HOUR, T0 + 3 * HOUR), expired);
    assert.equal(await deliveries.replay('ep-1', T0 + HOUR, T0 + 3 * HOUR, T0 + 3 * HOUR), 1);
  });

  test('idempotency records older than the cut are removed with the events', async (t) => {
    const { retention, calls } = await open(t);
    const record = (key: string, createdAt: number) => ({
      scope: 'POST /v1/calls',
      key,
      requestHash: 'h',
      created: true,
      responseBody: '{}',
      createdAt,
    });
    await calls.runCommand('c-old', () => ({
      events: [],
      idempotency: record('old', T0),
      result: 0,
    }));
    await calls.runCommand('c-new', () => ({
      events: [],
      idempotency: record('new', T0 + 2 * HOUR),
      result: 0,
    }));
    const removed = await retention.removeBefore(T0 + HOUR, 100);
    assert.equal(removed.idempotencyRecords, 1);
    assert.equal(await calls.getIdempotency('POST /v1/calls', 'old'), undefined);
    assert.ok(await calls.getIdempotency('POST /v1/calls', 'new'));
  });

  test('the horizon survives a restart', async (t) => {
    const store = await open(t);
    await startCall(store.calls, { at: T0 });
    await startCall(store.calls, { at: T0 + 2 * HOUR });
    await store.retention.removeBefore(T0 + HOUR, 100);
    const horizon = await store.retention.horizon();
    const again = await store.reopen();
    assert.deepEqual(await again.retention.horizon(), horizon);
    assert.ok((await again.retention.compact(100)) >= 0);
  });
}
