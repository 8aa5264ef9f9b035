import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/clock.ts';
import { RetentionSweeper, sweepInterval } from '../../src/service/retention-sweeper.ts';
import { createCall, sendDigits } from '../store/fixtures/fabricated-calls.ts';
import { tempStore } from '../store/fixtures/temp-store.ts';

// The sweeper of --retention, on a real SQLite store and a manual clock: it runs on its
// interval, removes everything due in as many batches as it takes, and does nothing at 0.

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 60 * 60_000;

async function writeCall(store: ReturnType<typeof tempStore>['store'], at: number) {
  const created = createCall({ at });
  const digits = sendDigits(created.state, '1234', at);
  await store.runCommand(created.state.callId, () => ({ ...created, result: 0 }));
  await store.runCommand(created.state.callId, () => ({ ...digits, result: 0 }));
}

test('a sweep removes every event older than the window, batch after batch, and then runs again on its interval', async (t) => {
  const { store } = tempStore(t);
  await writeCall(store, T0); // 5 events
  await writeCall(store, T0 + 1); // 5 more
  await writeCall(store, T0 + 3 * HOUR);
  const clock = new ManualClock(T0 + 2 * HOUR);
  const swept: number[] = [];
  const sweeper = new RetentionSweeper({
    store: store.retention,
    clock,
    windowMs: HOUR,
    batch: 3,
    onSwept: (removed) => swept.push(removed.events),
  });
  sweeper.start();
  clock.advance(0); // the first sweep is due at start
  await sweeper.sweep(); // the one under way
  assert.deepEqual(swept, [10], 'ten old events, in batches of three');
  assert.equal((await store.readEvents({ limit: 100 })).length, 5);
  assert.equal(clock.pendingTimers, 1, 'the next sweep is armed');

  // The next sweep fires at its time (nothing new is due then); a sweep asked for later, when
  // the third call is old too, removes it.
  clock.advance(sweepInterval(HOUR) + 2 * HOUR);
  await sweeper.sweep();
  await sweeper.sweep();
  assert.deepEqual(swept, [10, 0, 5]);
  assert.equal((await store.readEvents({ limit: 100 })).length, 0);
  await sweeper.stop();
  assert.equal(clock.pendingTimers, 0);
});

test('--retention 0 keeps everything: no sweep is ever armed', async (t) => {
  const { store } = tempStore(t);
  await writeCall(store, T0);
  const clock = new ManualClock(T0 + 1000 * HOUR);
  const sweeper = new RetentionSweeper({ store: store.retention, clock, windowMs: 0 });
  sweeper.start();
  assert.equal(clock.pendingTimers, 0);
  clock.advance(HOUR);
  assert.equal((await store.readEvents({ limit: 100 })).length, 5);
});

test('the interval is a tenth of the window, between 1 s and 1 min', () => {
  assert.equal(sweepInterval(2_000), 1_000);
  assert.equal(sweepInterval(5 * 60_000), 30_000);
  assert.equal(sweepInterval(30 * 24 * HOUR), 60_000);
});
