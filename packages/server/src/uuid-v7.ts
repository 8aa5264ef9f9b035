import { randomFillSync } from 'node:crypto';

// UUID version 7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then a 12-bit counter (method 1
// of §6.2, so ids made in the same millisecond still sort in the order they were made), then 62
// random bits. The service makes call and event ids with it: ids that grow with time land at
// the right edge of their SQLite indexes, so the pages a command writes are the few hot ones of
// recent calls instead of a random page of each index per command (the WAL writes every page a
// commit dirtied). Ids stay opaque, lower-case UUIDs as docs/contract.md §1 asks.

const RANDOM_POOL_BYTES = 4096;
const pool = Buffer.alloc(RANDOM_POOL_BYTES);
let poolOffset = RANDOM_POOL_BYTES;

function randomBytes8(): Buffer {
  if (poolOffset + 8 > RANDOM_POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + 8);
  poolOffset += 8;
  return bytes;
}

const MAX_COUNTER = 0xfff;

/**
 * A generator of UUIDv7s from `now` (epoch ms). Within one generator ids strictly increase,
 * even when `now` stands still or goes back: the counter counts on, and when it overflows the
 * timestamp moves one millisecond ahead of the clock.
 */
export function uuidV7Generator(now: () => number): () => string {
  let lastMs = -1;
  let counter = 0;
  return () => {
    let ms = Math.max(0, Math.floor(now()));
    if (ms > lastMs) {
      // A random start below the middle leaves room for ≥ 2,048 more ids in the millisecond.
      counter = randomBytes8().readUInt16BE(0) & 0x7ff;
    } else {
      ms = lastMs;
      counter += 1;
      if (counter > MAX_COUNTER) {
        ms += 1;
        counter = 0;
      }
    }
    lastMs = ms;
    const rand = randomBytes8();
    const time = ms.toString(16).padStart(12, '0').slice(-12);
    const variant = (0x8000 | (rand.readUInt16BE(0) & 0x3fff)).toString(16);
    const tail =
      rand.readUInt16BE(2).toString(16).padStart(4, '0') +
      rand.readUInt32BE(4).toString(16).padStart(8, '0');
    return `${time.slice(0, 8)}-${time.slice(8)}-7${counter.toString(16).padStart(3, '0')}-${variant}-${tail}`;
  };
}

/** Milliseconds since the epoch encoded in a UUIDv7 (its first 48 bits). */
export function uuidV7Time(id: string): number {
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
