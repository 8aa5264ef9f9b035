import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRetryAfter } from '../../src/delivery/retry-schedule.ts';

const now = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('Retry-After header', () => {
  it('reads delta-seconds', () => {
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter(['30', '60'], now), 30_000);
  });

  it('reads an HTTP-date relative to now, and a past date as 0', () => {
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 12:05:00 GMT', now), 5 * 60_000);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 11:00:00 GMT', now), 0);
    // The obsolete RFC 850 and asctime forms that HTTP still asks readers to accept.
    assert.equal(parseRetryAfter('Thursday, 01-Jan-26 12:00:10 GMT', now), 10_000);
    assert.equal(parseRetryAfter('Thu Jan  1 12:00:10 2026', now), 10_000);
  });

  it('gives undefined for a missing or unreadable value', () => {
    for (const value of [undefined, '', '  ', '-5', '1.5', 'soon', '12abc', '5 minutes']) {
      assert.equal(parseRetryAfter(value, now), undefined, String(value));
    }
  });
});
