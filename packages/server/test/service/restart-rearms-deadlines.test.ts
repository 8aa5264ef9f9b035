import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ManualClock } from '../../src/clock.ts';
import { CallService } from '../../src/service/call-service.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

// Auto-end deadlines are stored with the call; after a restart the timer is armed from the
// store, and a deadline that passed while the server was down ends the call at the deadline
// itself.

const dir = mkdtempSync(join(tmpdir(), 'callhook-rearm-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const config = { idleTimeoutMs: 60_000, maxDurationMs: 3_600_000 };

test('an idle call ends at its deadline even when the deadline passed during downtime', async () => {
  const path = join(dir, 'a.db');
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const store1 = openSqliteStore({ path });
  const service1 = new CallService({ store: store1, clock, config, owner: 'node-a' });
  await service1.start();
  const created = await service1.createCall({ threadId: 't', streamId: 's' });
  const createdAt = clock.now();
  service1.stop();
  await store1.close();

  clock.advance(5 * 60_000); // the server is down well past the 1-minute idle deadline
  const store2 = openSqliteStore({ path });
  const service2 = new CallService({ store: store2, clock, config, owner: 'node-a' });
  await service2.start();
  assert.equal(service2.nextDeadlineWakeAt, createdAt + 60_000, 'armed at the passed deadline');
  clock.advance(0);
  await service2.expireDue();
  const call = await service2.getCall(created.call.callId);
  assert.equal(call.status, 'ended');
  const events = await store2.readEvents({ callId: created.call.callId, limit: 10 });
  const ended = events.at(-1)!;
  assert.equal(ended.type, 'call.ended');
  assert.equal(ended.occurredAt, createdAt + 60_000);
  assert.deepEqual(ended.payload, {
    eventType: 'call.ended',
    callId: created.call.callId,
    threadId: 't',
    streamId: 's',
    dialogDuration: 0,
    callDuration: 60_000,
  });
  assert.equal(await store2.nextDeadlineAt(), null, 'no deadline left in the store');
  service2.stop();
  await store2.close();
});

test('the timer fires on the clock: a call reaching its maximum duration ends by itself', async () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const store = openSqliteStore({ path: join(dir, 'b.db') });
  const service = new CallService({ store, clock, config, owner: 'node-a' });
  await service.start();
  const ended: string[] = [];
  service.bus.subscribe((events) => ended.push(...events.map((e) => e.type)));
  const { call } = await service.createCall({ threadId: 't', streamId: 's' });
  await service.command(call.callId, { type: 'invite', userId: 'a' });
  await service.command(call.callId, { type: 'join', userId: 'a' });
  clock.advance(3_600_000);
  await service.expireDue(); // wait for the expiry the timer started
  assert.deepEqual(ended.slice(-2), ['call.user.removed', 'call.ended']);
  assert.equal((await service.getCall(call.callId)).status, 'ended');
  service.stop();
  await store.close();
});
