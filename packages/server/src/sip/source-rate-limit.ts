import type { Clock } from '../clock.ts';

// A token bucket per source address for the requests that cost a transaction in the call
// engine (INVITE, and REGISTER when it comes): a flood from one peer is answered 503 with
// Retry-After instead of filling the event log. At most `maxSources` buckets are kept; the
// one unused longest goes first (a Map iterates in insertion order, and a use re-inserts).

export interface SourceRateLimitOptions {
  clock: Clock;
  /** Requests per second a source may keep up (default 50). */
  perSecond?: number;
  /** Requests a source may send at once after a pause (default 100). */
  burst?: number;
  maxSources?: number;
}

export class SourceRateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perSecond: number;
  private readonly burst: number;
  private readonly maxSources: number;

  constructor(private readonly options: SourceRateLimitOptions) {
    this.perSecond = options.perSecond ?? 50;
    this.burst = options.burst ?? 100;
    this.maxSources = options.maxSources ?? 10_000;
  }

  /** Takes a token for `source`; false when it has none left. */
  take(source: string): boolean {
    const now = this.options.clock.now();
    const bucket = this.buckets.get(source) ?? { tokens: this.burst, at: now };
    this.buckets.delete(source);
    bucket.tokens = Math.min(
      this.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond,
    );
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(source, bucket);
    if (this.buckets.size > this.maxSources) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    return allowed;
  }

  /** Seconds until `source` has a token again (for Retry-After). */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(1 / this.perSecond));
  }
}
