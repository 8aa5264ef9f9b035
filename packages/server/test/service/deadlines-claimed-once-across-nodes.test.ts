import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/clock.ts';
import type { CallStore } from '../../src/store/port.ts';
import { CONFIG, endedInLog, sharedFile, startNode } from './support/deadline-nodes.ts';

// Two nodes on one database both wake at the same deadlines: each due call is claimed by one
// of them, ended once, and its call.ended published once.

const CALLS = 300; // more than one claim batch, so both nodes get some work

test('two nodes on one database file end each due call exactly once', async (t) => {
  const path = sharedFile(t);
  const clock = new ManualClock();
  const a = await startNode(t, { path, clock, owner: 'node-a' });
  const b = await startNode(t, { path, clock, owner: 'node-b' });
  const ids = await Promise.all(
    Array.from({ length: CALLS }, async (_, i) => {
      const node = i % 2 === 0 ? a : b;
      return (await node.service.createCall({ threadId: 't', streamId: 's' })).call.callId;
    }),
  );

  clock.advance(CONFIG.idleTimeoutMs);
  await Promise.all([a.service.expireDue(), b.service.expireDue()]);

  const ended = [...a.ended, ...b.ended].sort();
  assert.deepEqual(ended, [...ids].sort(), 'each call.ended published once');
  assert.deepEqual((await endedInLog(a.store)).sort(), [...ids].sort(), 'and logged once');
  assert.equal(await a.store.countActiveCalls(), 0);
});

test('two services sharing one store object never claim the same deadline', async (t) => {
  const path = sharedFile(t);
  const clock = new ManualClock();
  const first = await startNode(t, { path, clock, owner: 'node-a' });
  const claimed = new Map<string, string[]>();
  // The same store, with each claim recorded by owner.
  const recording = Object.create(first.store) as typeof first.store;
  recording.claimDeadlines = async (...args: Parameters<CallStore['claimDeadlines']>) => {
    const ids = await first.store.claimDeadlines(...args);
    claimed.set(args[0], [...(claimed.get(args[0]) ?? []), ...ids]);
    return ids;
  };
  first.service.stop();
  const a = await startNode(t, { path, clock, owner: 'node-a', store: recording });
  const b = await startNode(t, { path, clock, owner: 'node-b', store: recording });
  const ids = await Promise.all(
    Array.from({ length: CALLS }, async () => {
      return (await a.service.createCall({ threadId: 't', streamId: 's' })).call.callId;
    }),
  );

  clock.advance(CONFIG.idleTimeoutMs);
  await Promise.all([a.service.expireDue(), b.service.expireDue()]);

  const all = [...(claimed.get('node-a') ?? []), ...(claimed.get('node-b') ?? [])];
  assert.equal(new Set(all).size, all.length, 'no call claimed twice');
  assert.deepEqual([...all].sort(), [...ids].sort());
  assert.deepEqual([...a.ended, ...b.ended].sort(), [...ids].sort());
  assert.deepEqual((await endedInLog(a.store)).sort(), [...ids].sort());
});
