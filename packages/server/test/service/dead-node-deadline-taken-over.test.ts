import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/clock.ts';
import { CONFIG, endedInLog, sharedFile, startNode } from './support/deadline-nodes.ts';

// A node that claimed a deadline and died before ending the call leaves its lease in the
// store. Another node waits the lease out, then ends the call — stamped at the deadline, not
// at the moment it got to it.

const LEASE = 30_000;

test("a dead node's claimed deadline is ended by another node once its lease expires", async (t) => {
  const path = sharedFile(t);
  const clock = new ManualClock();
  const a = await startNode(t, { path, clock, owner: 'node-a', deadlineLeaseMs: LEASE });
  const { call } = await a.service.createCall({ threadId: 't', streamId: 's' });
  const deadline = call.createdAt + CONFIG.idleTimeoutMs;

  // node-a's last act: at the deadline it claims the call, then dies before ending it.
  a.service.stop();
  clock.advance(CONFIG.idleTimeoutMs);
  assert.deepEqual(await a.store.claimDeadlines('node-a', deadline, deadline + LEASE, 10), [
    call.callId,
  ]);
  await a.store.close();

  const b = await startNode(t, {
    path,
    clock,
    owner: 'node-b',
    deadlineLeaseMs: LEASE,
    deadlinePollMs: 60_000,
  });
  assert.equal(b.service.nextDeadlineWakeAt, deadline + LEASE, 'waits for the lease to lapse');
  await b.service.expireDue();
  assert.equal((await b.service.getCall(call.callId)).status, 'active', 'not while leased');

  clock.advance(LEASE);
  await b.service.expireDue();
  assert.equal((await b.service.getCall(call.callId)).status, 'ended');
  assert.deepEqual(b.ended, [call.callId]);
  assert.deepEqual(await endedInLog(b.store), [call.callId]);
  const [ended] = await b.store.readEvents({
    callId: call.callId,
    types: ['call.ended'],
    limit: 1,
  });
  assert.equal(ended?.occurredAt, deadline);
});
