import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QuarantinedRow } from '../../src/store/quarantine-port.ts';
import { createCall } from './fixtures/fabricated-calls.ts';
import { tempStore } from './fixtures/temp-store.ts';

// The SQLite adapter's side of quarantine-port.ts: the lists that the service reads at start
// leave a corrupt call out instead of throwing, record it once, and take its deadline away
// so that no node keeps trying to end a call nobody can read.

const T0 = Date.UTC(2026, 0, 1);

test('listActiveCalls leaves a corrupt call out, record it once, and park its deadline', async (t) => {
  const told: QuarantinedRow[] = [];
  const { store } = tempStore(t, { onQuarantined: (row) => told.push(row) });
  const good = createCall({ at: T0 });
  const bad = createCall({ at: T0 + 1 });
  for (const change of [good, bad]) {
    await store.runCommand(change.state.callId, () => ({
      state: change.state,
      deadlineAt: T0 + 1000,
      events: change.events,
      result: 0,
    }));
  }
  store.db.prepare("UPDATE calls SET state_json = 'nope' WHERE call_id = ?").run(bad.state.callId);

  assert.deepEqual(
    (await store.listActiveCalls()).map((c) => c.callId),
    [good.state.callId],
  );
  assert.deepEqual(
    (await store.listActiveCalls()).map((c) => c.callId),
    [good.state.callId],
  );
  assert.equal(told.length, 1, 'recorded once');
  assert.equal(told[0]!.key, bad.state.callId);
  assert.match(told[0]!.reason, /invalid JSON/);
  // Only the readable call is due; the corrupt one never will be.
  assert.deepEqual(await store.claimDeadlines('node-a', T0 + 5000, T0 + 6000, 10), [
    good.state.callId,
  ]);
  assert.deepEqual(await store.quarantine.summary(), { rows: 1, integrityProblems: [] });
  assert.deepEqual(
    (await store.quarantine.list(10)).map((r) => [r.table, r.key]),
    [['calls', bad.state.callId]],
  );
});
