import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallStore } from '../../../src/store/port.ts';
import { command, startCall, T0 } from './call-commands.ts';
import type { StoreFactory } from './store-factory.ts';

// Auto-end deadlines: written with a call's state, leased to one owner at a time while it
// ends the call, and freed by the next write of that call.

const LEASE = 30_000;

/** Writes the call's state back with `deadlineAt` (and no events). */
async function setDeadline(calls: CallStore, callId: string, deadlineAt: number | null) {
  await calls.runCommand(callId, (current) => ({
    state: current!,
    deadlineAt,
    events: [],
    result: null,
  }));
}

async function callWithDeadline(calls: CallStore, deadlineAt: number): Promise<string> {
  const { state } = await startCall(calls);
  await setDeadline(calls, state.callId, deadlineAt);
  return state.callId;
}

export function deadlinesContract(open: StoreFactory): void {
  test('a deadline written with the state is claimable once it has passed', async (t) => {
    const { calls } = await open(t);
    assert.equal(await calls.nextDeadlineAt(), null);
    const id = await callWithDeadline(calls, T0 + 1_000);
    assert.equal(await calls.nextDeadlineAt(), T0 + 1_000);
    assert.deepEqual(await calls.claimDeadlines('node-a', T0 + 999, T0 + LEASE, 10), []);
    assert.deepEqual(await calls.claimDeadlines('node-a', T0 + 1_000, T0 + LEASE, 10), [id]);
  });

  test('a claim up to its limit takes the earliest deadlines', async (t) => {
    const { calls } = await open(t);
    const late = await callWithDeadline(calls, T0 + 300);
    const early = await callWithDeadline(calls, T0 + 100);
    const middle = await callWithDeadline(calls, T0 + 200);
    await callWithDeadline(calls, T0 + 5_000);
    const firstTwo = await calls.claimDeadlines('node-a', T0 + 1_000, T0 + LEASE, 2);
    assert.deepEqual([...firstTwo].sort(), [early, middle].sort());
    const due = await calls.claimDeadlines('node-b', T0 + 1_000, T0 + LEASE, 10);
    assert.deepEqual(due, [late]);
  });

  test('claimed calls come earliest deadline first', async (t) => {
    const { calls } = await open(t);
    // Written latest deadline first, so that neither write order nor id order is the answer.
    const ids: string[] = [];
    for (const at of [T0 + 400, T0 + 300, T0 + 200, T0 + 100])
      ids.push(await callWithDeadline(calls, at));
    assert.deepEqual(
      await calls.claimDeadlines('node-a', T0 + 1_000, T0 + LEASE, 10),
      ids.reverse(),
    );
  });

  test('a leased deadline is claimable by its owner, and by others only once the lease ends', async (t) => {
    const { calls } = await open(t);
    const id = await callWithDeadline(calls, T0);
    assert.deepEqual(await calls.claimDeadlines('node-a', T0, T0 + LEASE, 10), [id]);
    assert.deepEqual(await calls.claimDeadlines('node-b', T0 + LEASE - 1, T0 + 2 * LEASE, 10), []);
    assert.deepEqual(await calls.claimDeadlines('node-a', T0 + 1, T0 + LEASE, 10), [id]);
    assert.deepEqual(await calls.claimDeadlines('node-b', T0 + LEASE + 1, T0 + 2 * LEASE, 10), [
      id,
    ]);
    assert.deepEqual(await calls.claimDeadlines('node-a', T0 + LEASE + 2, T0 + 2 * LEASE, 10), []);
  });

  test('two owners claiming at once never get the same call', async (t) => {
    const { calls } = await open(t);
    for (let i = 0; i < 6; i++) await callWithDeadline(calls, T0 + i);
    const [a, b] = await Promise.all([
      calls.claimDeadlines('node-a', T0 + 10, T0 + LEASE, 4),
      calls.claimDeadlines('node-b', T0 + 10, T0 + LEASE, 4),
    ]);
    const ids = [...a!, ...b!];
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(ids.length, 6);
  });

  test("nextDeadlineAt counts a leased call at its lease's end", async (t) => {
    const { calls } = await open(t);
    await callWithDeadline(calls, T0 + 100);
    await calls.claimDeadlines('node-a', T0 + 100, T0 + LEASE, 10);
    assert.equal(await calls.nextDeadlineAt(), T0 + LEASE);
    await callWithDeadline(calls, T0 + 500);
    assert.equal(await calls.nextDeadlineAt(), T0 + 500);
  });

  test('writing the state frees the lease and sets the new deadline; null clears it', async (t) => {
    const { calls } = await open(t);
    const id = await callWithDeadline(calls, T0);
    await calls.claimDeadlines('node-a', T0, T0 + LEASE, 10);
    await setDeadline(calls, id, T0 + 50);
    assert.equal(await calls.nextDeadlineAt(), T0 + 50);
    assert.deepEqual(await calls.claimDeadlines('node-b', T0 + 50, T0 + LEASE, 10), [id]);
    await setDeadline(calls, id, null);
    assert.equal(await calls.nextDeadlineAt(), null);
    assert.deepEqual(
      await calls.claimDeadlines('node-b', T0 + 10 * LEASE, T0 + 11 * LEASE, 10),
      [],
    );
  });

  test('a command without a state leaves the deadline and its lease alone', async (t) => {
    const { calls } = await open(t);
    const id = await callWithDeadline(calls, T0);
    await calls.claimDeadlines('node-a', T0, T0 + LEASE, 10);
    await calls.runCommand(id, () => ({ deadlineAt: T0 + 1, events: [], result: null }));
    assert.deepEqual(await calls.claimDeadlines('node-b', T0 + 10, T0 + LEASE, 10), []);
    assert.equal(await calls.nextDeadlineAt(), T0 + LEASE);
  });

  test('a call written with a deadline, or ended, is not among the calls without one', async (t) => {
    const { calls } = await open(t);
    await callWithDeadline(calls, T0 + 1_000);
    const { state } = await startCall(calls);
    await command(calls, state.callId, { type: 'end' }, T0 + 1);
    assert.deepEqual(await calls.listCallsWithoutDeadline(10), []);
  });

  test('deadlines and their leases survive a restart', async (t) => {
    const store = await open(t);
    const leased = await callWithDeadline(store.calls, T0);
    const free = await callWithDeadline(store.calls, T0 + 10);
    await store.calls.claimDeadlines('node-a', T0, T0 + LEASE, 1);
    const again = await store.reopen();
    assert.deepEqual(await again.calls.claimDeadlines('node-b', T0 + 10, T0 + LEASE, 10), [free]);
    assert.deepEqual(await again.calls.claimDeadlines('node-a', T0 + 10, T0 + LEASE, 10), [leased]);
  });
}
