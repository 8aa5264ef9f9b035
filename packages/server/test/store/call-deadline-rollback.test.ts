import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCall } from './fixtures/fabricated-calls.ts';
import { tempStore } from './fixtures/temp-store.ts';

// The deadline and its lease are part of the command's transaction: a command that fails
// after its call row was written leaves them as they were. (The rest of the deadline rules
// are the port's contract: test/store/contract/deadlines.contract.ts.)

const T0 = Date.UTC(2026, 0, 1);

test('a write that fails after the state is written keeps the old deadline and lease', async (t) => {
  const { store } = tempStore(t);
  const call = createCall({ at: T0 });
  const { callId } = call.state;
  await store.runCommand(callId, () => ({ ...call, deadlineAt: T0, result: null }));
  await store.claimDeadlines('node-a', T0, T0 + 30_000, 10);
  // The same event again breaks UNIQUE (call_id, seq) after the call row was updated.
  await assert.rejects(
    store.runCommand(callId, () => ({ ...call, deadlineAt: null, result: null })),
  );
  assert.equal(await store.nextDeadlineAt(), T0 + 30_000, 'still leased to node-a');
  assert.deepEqual(await store.claimDeadlines('node-a', T0 + 1, T0 + 30_000, 10), [callId]);
});
