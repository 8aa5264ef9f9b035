// What one delivery attempt means for its delivery and its endpoint (docs/contract.md §4). Pure:
// the dispatcher hands the outcome, with its own name as the owner, to the store, which
// applies it in one transaction.
import type {
  AttemptOutcome,
  DeliveryRecord,
  EndpointDisabledReason,
  EndpointRecord,
} from '../store/delivery-port.ts';
import { nextAttemptDelay } from './retry-schedule.ts';
import type { AttemptResult } from './webhook-sender.ts';

/** An endpoint that failed every attempt for this long is disabled: 5 days. */
export const DEFAULT_DISABLE_AFTER_MS = 5 * 24 * 60 * 60 * 1000;

/** At most this many bytes of a response body are kept in the attempt log. */
export const ATTEMPT_BODY_LIMIT = 1024;

export interface AttemptDecisionInput {
  delivery: Pick<DeliveryRecord, 'id' | 'attemptCount'>;
  /** The endpoint as the dispatcher last knew it, including its own earlier decisions. */
  endpoint: Pick<EndpointRecord, 'failingSince'>;
  result: AttemptResult;
  /** Clock time at which the attempt started, and at which it ended. */
  startedAt: number;
  now: number;
  schedule: readonly number[];
  random?: () => number;
  disableAfterMs?: number;
}

/** An attempt's outcome but for who made it (the dispatcher adds its owner). */
export type AttemptDecision = Omit<AttemptOutcome, 'owner'>;

export function decideAfterAttempt(input: AttemptDecisionInput): AttemptDecision {
  const { delivery, endpoint, result, startedAt, now } = input;
  const attempt = {
    deliveryId: delivery.id,
    attempt: delivery.attemptCount + 1,
    startedAt,
    statusCode: result.statusCode,
    latencyMs: result.latencyMs,
    error: result.ok ? null : describeFailure(result),
    responseBody: truncateUtf8(result.responseBody, ATTEMPT_BODY_LIMIT),
  };

  if (result.ok) {
    // Ends a failure run; a healthy endpoint's row is not written at all (the hot path).
    const outcome: AttemptDecision = { attempt, next: { status: 'delivered' } };
    if (endpoint.failingSince !== null) outcome.endpoint = { failingSince: null };
    return outcome;
  }

  // Any failure keeps (or starts) the endpoint's unbroken run of failures.
  const failingSince = endpoint.failingSince ?? startedAt;
  const disableAfterMs = input.disableAfterMs ?? DEFAULT_DISABLE_AFTER_MS;
  let disable: EndpointDisabledReason | undefined;
  if (result.statusCode === 410) disable = 'gone';
  else if (now - failingSince >= disableAfterMs) disable = 'failing';

  // 410 Gone: the receiver says the endpoint no longer exists; retrying is pointless.
  if (disable === 'gone') {
    return { attempt, next: { status: 'failed' }, endpoint: { failingSince, disable } };
  }

  const options: { random?: () => number; retryAfterMs?: number } = {};
  if (input.random) options.random = input.random;
  if (result.retryAfterMs !== undefined) options.retryAfterMs = result.retryAfterMs;
  const delay = nextAttemptDelay(input.schedule, attempt.attempt, options);
  // A delivery of an endpoint disabled as failing stays pending (to resume on re-enable),
  // unless its own schedule ran out.
  const next: AttemptOutcome['next'] =
    delay === null ? { status: 'failed' } : { status: 'pending', nextAttemptAt: now + delay };
  const outcome: AttemptDecision = { attempt, next };
  if (disable) outcome.endpoint = { failingSince, disable };
  else if (endpoint.failingSince === null) outcome.endpoint = { failingSince };
  return outcome;
}

/** `HTTP 500` for an answer that was not 2xx, `timeout: …` for no answer at all. */
function describeFailure(result: AttemptResult): string {
  if (result.error) return `${result.error.code}: ${result.error.message}`;
  return `HTTP ${result.statusCode ?? 'no status'}`;
}

/** The longest prefix of `text` within `maxBytes` of UTF-8 that does not split a character. */
function truncateUtf8(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes) return text; // no UTF-16 unit encodes to more than 3 bytes
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Step back over UTF-8 continuation bytes (top bits 10) so the cut falls between characters.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8');
}
