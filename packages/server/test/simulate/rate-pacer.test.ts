import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ratePacer } from '../../src/simulate/rate-pacer.ts';

// The pacer spaces units by 1/rate from the first acquire; costs add up (an event-paced
// DTMF of 4 symbols takes four slots), and a cost of 0 never waits.

test('the k-th unit waits until k / rate after the start', async () => {
  const pacer = ratePacer(1000);
  const start = performance.now();
  for (let i = 0; i < 50; i++) await pacer.acquire(1);
  // The 50th unit may start at 49 ms; timers may fire up to 1 ms early.
  assert.ok(performance.now() - start >= 47, `${performance.now() - start} ms`);
});

test('costs are counted in units; zero-cost steps pass straight through', async () => {
  let now = 0;
  const pacer = ratePacer(100, () => now);
  await pacer.acquire(5); // slot 0: immediate
  const started = performance.now();
  await pacer.acquire(0); // due at 50 ms on the fake clock…
  now = 50;
  await pacer.acquire(0); // …which has now come: no wait
  assert.ok(performance.now() - started < 1000);
  assert.throws(() => ratePacer(0), RangeError);
});
