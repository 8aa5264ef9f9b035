import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DEFAULT_RETRY_SCHEDULE_MS,
  MAX_RETRY_AFTER_MS,
  nextAttemptDelay,
  parseDuration,
  parseRetrySchedule,
} from '../../src/delivery/retry-schedule.ts';

const s = 1000;
const m = 60 * s;
const h = 60 * m;

describe('retry schedule', () => {
  it('defaults to the contract: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h', () => {
    assert.deepEqual(DEFAULT_RETRY_SCHEDULE_MS, [
      0,
      5 * s,
      5 * m,
      30 * m,
      2 * h,
      5 * h,
      10 * h,
      14 * h,
      20 * h,
      24 * h,
    ]);
    assert.ok(Object.isFrozen(DEFAULT_RETRY_SCHEDULE_MS));
  });

  it('parses durations with a unit', () => {
    assert.equal(parseDuration('0'), 0);
    assert.equal(parseDuration('200ms'), 200);
    assert.equal(parseDuration('1s'), 1000);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration(' 5m '), 5 * m);
    assert.equal(parseDuration('2h'), 2 * h);
    assert.equal(parseDuration('1d'), 24 * h);
    assert.equal(parseDuration('0ms'), 0);
  });

  it('refuses durations without a unit or with junk, with validation_error', () => {
    for (const text of ['', '5', '-1s', '1 day', 's', '1e3ms', '1.s', 'Infinityh', '5mm']) {
      assert.throws(() => parseDuration(text), {
        code: 'validation_error',
        message: /is not a duration; write a number and a unit/,
      });
    }
  });

  it('parses a comma-separated schedule', () => {
    assert.deepEqual(parseRetrySchedule('0,200ms,1s,5m,2h'), [0, 200, 1000, 5 * m, 2 * h]);
    assert.deepEqual(parseRetrySchedule(' 0 , 5s '), [0, 5000]);
    assert.deepEqual(parseRetrySchedule('1s'), [1000]);
  });

  it('says which schedule entry is wrong', () => {
    assert.throws(() => parseRetrySchedule('0,5s,oops'), {
      code: 'validation_error',
      message: /^retry schedule entry 3: "oops" is not a duration/,
      details: { schedule: '0,5s,oops', index: 2 },
    });
    assert.throws(() => parseRetrySchedule('0,,5s'), {
      code: 'validation_error',
      message: /entry 2 is empty/,
    });
    assert.throws(() => parseRetrySchedule(''), { code: 'validation_error' });
    assert.throws(() => parseRetrySchedule(new Array(101).fill('1s').join(',')), {
      code: 'validation_error',
      message: /at most 100 entries/,
    });
  });

  it('gives the scheduled delay with no jitter at the midpoint, and null once exhausted', () => {
    const mid = () => 0.5;
    const delays = DEFAULT_RETRY_SCHEDULE_MS.map((_, i) =>
      nextAttemptDelay(DEFAULT_RETRY_SCHEDULE_MS, i, { random: mid }),
    );
    assert.deepEqual(delays, DEFAULT_RETRY_SCHEDULE_MS);
    assert.equal(nextAttemptDelay(DEFAULT_RETRY_SCHEDULE_MS, 10, { random: mid }), null);
  });

  it('jitters by ±10% by default', () => {
    assert.equal(nextAttemptDelay([10_000], 0, { random: () => 0 }), 9_000);
    assert.equal(nextAttemptDelay([10_000], 0, { random: () => 0.999999 }), 11_000);
    assert.equal(nextAttemptDelay([10_000], 0, { random: () => 0.75, jitterRatio: 0.5 }), 12_500);
  });

  it('honours a longer Retry-After, up to 24 h, and ignores a shorter one', () => {
    const opts = { random: () => 0.5 };
    assert.equal(nextAttemptDelay([5 * s], 0, { ...opts, retryAfterMs: 120 * s }), 120 * s);
    assert.equal(nextAttemptDelay([5 * m], 0, { ...opts, retryAfterMs: 10 * s }), 5 * m);
    assert.equal(
      nextAttemptDelay([0], 0, { ...opts, retryAfterMs: 7 * 24 * h }),
      MAX_RETRY_AFTER_MS,
    );
    assert.equal(nextAttemptDelay([0], 0, { ...opts, retryAfterMs: 9 * h, maxRetryAfterMs: h }), h);
    // Retry-After does not add attempts beyond the schedule.
    assert.equal(nextAttemptDelay([0], 1, { ...opts, retryAfterMs: 10 * s }), null);
  });

  const schedule = fc.array(fc.integer({ min: 0, max: 7 * 24 * h }), {
    minLength: 1,
    maxLength: 30,
  });
  const random = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

  it('property: jittered delays stay within ±jitterRatio of the schedule and are never negative', () => {
    fc.assert(
      fc.property(
        schedule,
        fc.nat(40),
        random,
        fc.double({ min: 0, max: 1, noNaN: true }),
        (sched, attempts, r, ratio) => {
          const delay = nextAttemptDelay(sched, attempts, { random: () => r, jitterRatio: ratio });
          const base = sched[attempts];
          if (base === undefined) return delay === null;
          assert.ok(delay !== null && Number.isInteger(delay) && delay >= 0);
          assert.ok(
            delay >= Math.floor(base * (1 - ratio)) && delay <= Math.ceil(base * (1 + ratio)),
          );
          if (base === 0) assert.equal(delay, 0);
          return true;
        },
      ),
    );
  });

  it('property: exactly schedule.length attempts, then null', () => {
    fc.assert(
      fc.property(schedule, random, (sched, r) => {
        for (let i = 0; i < sched.length; i++) {
          assert.notEqual(nextAttemptDelay(sched, i, { random: () => r }), null);
        }
        assert.equal(nextAttemptDelay(sched, sched.length, { random: () => r }), null);
      }),
    );
  });

  it('property: with Retry-After the delay is at least min(Retry-After, cap) and at most the larger bound', () => {
    fc.assert(
      fc.property(schedule, random, fc.integer({ min: 0, max: 30 * 24 * h }), (sched, r, after) => {
        const delay = nextAttemptDelay(sched, 0, { random: () => r, retryAfterMs: after });
        const base = sched[0] ?? 0;
        assert.ok(delay !== null);
        assert.ok(delay >= Math.min(after, MAX_RETRY_AFTER_MS));
        assert.ok(delay <= Math.max(Math.ceil(base * 1.1), Math.min(after, MAX_RETRY_AFTER_MS)));
      }),
    );
  });

  it('property: any schedule written out in ms parses back to itself', () => {
    fc.assert(
      fc.property(schedule, (sched) => {
        assert.deepEqual(parseRetrySchedule(sched.map((ms) => `${ms}ms`).join(',')), sched);
      }),
    );
  });
});
