// When a delivery is attempted (docs/contract.md §4). A schedule is a plain array: entry i is
// the delay before attempt i+1, counted from the previous attempt (entry 0 from the moment
// the event is queued). Once every entry is used the delivery is given up.
import { CallhookError } from '../errors.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** At once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h: ten attempts over ~3.3 days. */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = Object.freeze([
  0,
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  14 * HOUR,
  20 * HOUR,
  24 * HOUR,
]);

/** Jitter spreads retries of many deliveries that failed together (±10% by default). */
export const DEFAULT_JITTER_RATIO = 0.1;

/** Retry-After is honoured up to this much; a receiver cannot park a delivery for longer. */
export const MAX_RETRY_AFTER_MS = 24 * HOUR;

/** A schedule longer than this is a typo, not a policy. */
const MAX_SCHEDULE_LENGTH = 100;

const UNIT_MS = { ms: 1, s: SECOND, m: MINUTE, h: HOUR, d: 24 * HOUR } as const;

/**
 * Parses a duration such as `200ms`, `1.5s`, `5m`, `2h`, `1d`, or `0` into integer
 * milliseconds. A unit is required for anything but 0, so `5` is never misread.
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(trimmed);
  const ms = match ? Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]) : NaN;
  if (!Number.isSafeInteger(ms)) {
    throw new CallhookError(
      'validation_error',
      `"${text}" is not a duration; write a number and a unit (ms, s, m, h, d), e.g. 500ms or 5m`,
      { duration: text },
    );
  }
  return ms;
}

/** Parses a comma-separated schedule such as `0,200ms,1s,5m,2h` into milliseconds. */
export function parseRetrySchedule(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length > MAX_SCHEDULE_LENGTH) {
    throw new CallhookError(
      'validation_error',
      `a retry schedule has at most ${MAX_SCHEDULE_LENGTH} entries, this one has ${parts.length}`,
      { schedule: text },
    );
  }
  return parts.map((part, index) => {
    if (part === '') {
      throw new CallhookError(
        'validation_error',
        `retry schedule entry ${index + 1} is empty; list delays like 0,5s,5m,30m`,
        { schedule: text, index },
      );
    }
    try {
      return parseDuration(part);
    } catch (error) {
      const why = (error as Error).message;
      throw new CallhookError('validation_error', `retry schedule entry ${index + 1}: ${why}`, {
        schedule: text,
        index,
      });
    }
  });
}

export interface NextAttemptOptions {
  /** Uniform in [0, 1); injectable so tests are deterministic. Defaults to Math.random. */
  random?: () => number;
  /** From the last response's Retry-After header (429 and 503), already in ms. */
  retryAfterMs?: number;
  /** Fraction of the scheduled delay to jitter by, each way (0..1). */
  jitterRatio?: number;
  /** Retry-After beyond this is capped. */
  maxRetryAfterMs?: number;
}

/**
 * The delay before the next attempt, given how many attempts were already made, or null
 * when the schedule is exhausted. The scheduled delay is jittered (0 stays 0); a
 * Retry-After from the receiver is honoured when longer, up to `maxRetryAfterMs`.
 */
export function nextAttemptDelay(
  schedule: readonly number[],
  attemptsMade: number,
  options: NextAttemptOptions = {},
): number | null {
  const base = schedule[attemptsMade];
  if (base === undefined) return null;
  const ratio = Math.min(1, Math.max(0, options.jitterRatio ?? DEFAULT_JITTER_RATIO));
  const random = options.random ?? Math.random;
  const jittered = Math.max(0, Math.round(base * (1 + ratio * (2 * random() - 1))));
  const retryAfter = options.retryAfterMs;
  if (retryAfter === undefined || !(retryAfter > 0)) return jittered;
  return Math.max(jittered, Math.min(retryAfter, options.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS));
}

/**
 * Reads a Retry-After header (RFC 9110 §10.2.3): delta-seconds or an HTTP-date. Returns
 * milliseconds from `nowMs` (0 for a date in the past), or undefined if absent or unreadable.
 */
export function parseRetryAfter(
  headerValue: string | string[] | undefined,
  nowMs: number,
): number | undefined {
  const value = (Array.isArray(headerValue) ? headerValue[0] : headerValue)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) {
    const ms = Number(value) * SECOND;
    return Number.isSafeInteger(ms) ? ms : undefined;
  }
  // An HTTP-date always names a weekday or month; that keeps Date.parse from guessing at noise.
  if (!/[a-z]/i.test(value)) return undefined;
  // asctime dates carry no zone but are GMT; Date.parse would read them as local time.
  const at = Date.parse(/GMT|UTC|[+-]\d{4}$/i.test(value) ? value : `${value} GMT`);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
