import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/clock.ts';
import { CONFIG, sharedFile, startNode } from './support/deadline-nodes.ts';

// A node learns of its own commits' deadlines at once; those another node wrote it finds by
// re-reading the store every deadlinePollMs. So a call whose node stopped still ends on time.

const POLL = 5_000;

test('a deadline written by another node is found at the next poll and honoured', async (t) => {
  const path = sharedFile(t);
  const clock = new ManualClock();
  const a = await startNode(t, { path, clock, owner: 'node-a', deadlinePollMs: POLL });
  const start = clock.now();
  assert.equal(a.service.nextDeadlineWakeAt, start + POLL, 'nothing due: wakes at the poll');

  const b = await startNode(t, { path, clock, owner: 'node-b', deadlinePollMs: POLL });
  const { call } = await b.service.createCall({ threadId: 't', streamId: 's' });
  b.service.stop(); // node-b goes away; its call is node-a's business now
  assert.equal(a.service.nextDeadlineWakeAt, start + POLL, 'node-a has not heard of it');

  clock.advance(POLL); // node-a's poll reads the store
  await a.service.expireDue();
  assert.equal((await a.service.getCall(call.callId)).status, 'active');

  clock.advance(CONFIG.idleTimeoutMs - POLL);
  await a.service.expireDue();
  assert.deepEqual(a.ended, [call.callId]);
  const [ended] = await a.store.readEvents({
    callId: call.callId,
    types: ['call.ended'],
    limit: 1,
  });
  assert.equal(ended?.occurredAt, call.createdAt + CONFIG.idleTimeoutMs);
});

test('a node re-reads the store at every poll, however long nothing is due', async (t) => {
  const path = sharedFile(t);
  const clock = new ManualClock();
  const a = await startNode(t, { path, clock, owner: 'node-a', deadlinePollMs: POLL });
  for (let i = 1; i <= 3; i++) {
    clock.advance(POLL);
    await a.service.expireDue();
    assert.equal(a.service.nextDeadlineWakeAt, clock.now() + POLL, `poll ${i} re-armed`);
  }
});
