import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { CALLS, play, type Result } from './fixtures/lane-run.ts';
import { tempDir } from './fixtures/temp-store.ts';

// Random interleavings of events on a few calls and endpoints, claims (with leases, limits and
// excluded endpoints), outcomes, clock moves, crashes and endpoint toggles, checked against
// the contract (§4): per (endpoint, call), deliveries are claimed in seq order, a lane moves
// on only after its head was delivered or given up, nothing is claimed twice while leased, and
// in the end everything is delivered. A listing along the way writes nothing, and lists what
// the rows list once written out.

const result = fc.constantFrom<Result>('delivered', 'failed', 'retry');
// Weighted towards claims and outcomes: the interesting cases are lanes with work in flight.
const baseSteps = [
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      call: fc.nat(CALLS - 1),
      digits: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('claim' as const),
      limit: fc.integer({ min: 1, max: 6 }),
      exclude: fc.subarray([0, 1, 2]),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('outcomes' as const),
      picks: fc.array(fc.record({ pick: fc.nat(), result, delay: fc.nat(2_000) }), {
        minLength: 1,
        maxLength: 3,
      }),
    }),
  },
  // Mostly shorter than a lease, so that claims meet deliveries still in flight.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.nat(1_500) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'crash' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('list' as const),
      endpoint: fc.nat(2),
      limit: fc.integer({ min: 1, max: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('toggle' as const), endpoint: fc.nat(2) }),
  },
];
const manualSteps = [
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('retry' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('replay' as const),
      endpoint: fc.nat(2),
      back: fc.nat(5_000),
    }),
  },
];

test('claims per (endpoint, call) are in seq order, one at a time, never twice while leased', async (t) => {
  const dir = tempDir(t);
  let n = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof(...baseSteps), { minLength: 10, maxLength: 40, size: 'max' }),
      (steps) => play(join(dir, `run-${n++}.db`), steps, true),
    ),
    { numRuns: 60 },
  );
});

test('with manual retries and replays too, a lane has one head and one attempt at a time', async (t) => {
  const dir = tempDir(t);
  let n = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof(...baseSteps, ...manualSteps), {
        minLength: 10,
        maxLength: 40,
        size: 'max',
      }),
      (steps) => play(join(dir, `run-${n++}.db`), steps, false),
    ),
    { numRuns: 120 },
  );
});
