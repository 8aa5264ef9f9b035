import type { Clock } from '../clock.ts';

// Per-key rate limits (docs/contract.md §3: 429 rate_limited with Retry-After): a token bucket
// per key, refilled at the key's rate, holding at most one second of it (and at least one
// request), so a key may burst to its rate and sustain it, no more. Kept per node, in memory.

interface Bucket {
  tokens: number;
  at: number;
  rate: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly clock: Clock) {}

  /** Takes one request's token from `keyId`'s bucket of `ratePerSecond` (null: no limit). */
  take(keyId: string, ratePerSecond: number | null): RateDecision {
    if (ratePerSecond === null) return { ok: true };
    const now = this.clock.now();
    const capacity = Math.max(1, ratePerSecond);
    let bucket = this.buckets.get(keyId);
    if (!bucket || bucket.rate !== ratePerSecond) {
      bucket = { tokens: capacity, at: now, rate: ratePerSecond };
      this.buckets.set(keyId, bucket);
    }
    const elapsed = Math.max(0, now - bucket.at) / 1000;
    bucket.tokens = Math.min(capacity, bucket.tokens + elapsed * ratePerSecond);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    // Whole seconds until a token is back (Retry-After has no fractions), at least one.
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerSecond));
    return { ok: false, retryAfterSeconds };
  }

  /** Forgets a key's bucket (it was revoked). */
  forget(keyId: string): void {
    this.buckets.delete(keyId);
  }
}
