import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UUID_PATTERN } from '@callhook/sdk';
import { uuidV7Generator, uuidV7Time } from '../../src/uuid-v7.ts';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidV7Generator', () => {
  it('makes lower-case version-7, variant-10 UUIDs that carry the time', () => {
    const at = Date.UTC(2026, 10, 24, 3, 0, 0, 123);
    const next = uuidV7Generator(() => at);
    for (let i = 0; i < 100; i++) {
      const id = next();
      assert.match(id, V7);
      assert.match(id, UUID_PATTERN);
      assert.equal(uuidV7Time(id), at);
    }
  });

  it('sorts in the order made: later times, and many ids within one millisecond', () => {
    let now = 1_700_000_000_000;
    const next = uuidV7Generator(() => now);
    const ids: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      if (i % 3_000 === 0) now += 1; // long runs in one millisecond overflow the counter
      ids.push(next());
    }
    const sorted = [...ids].sort();
    assert.deepEqual(ids, sorted);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('never goes back when the clock does', () => {
    let now = 1_800_000_000_000;
    const next = uuidV7Generator(() => now);
    const first = next();
    now -= 5_000;
    const second = next();
    assert.ok(second > first, `${second} should sort after ${first}`);
    assert.equal(uuidV7Time(second), 1_800_000_000_000);
  });

  it('moves the timestamp one millisecond ahead when 4,096 ids would not fit', () => {
    const now = 1_900_000_000_000;
    const next = uuidV7Generator(() => now);
    const times = new Set<number>();
    for (let i = 0; i < 4_097; i++) times.add(uuidV7Time(next()));
    assert.ok(times.has(now + 1), 'the counter overflowed into the next millisecond');
    assert.ok(Math.max(...times) <= now + 2);
  });
});
