import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  ATTEMPT_BODY_LIMIT,
  type AttemptDecisionInput,
  DEFAULT_DISABLE_AFTER_MS,
  decideAfterAttempt,
} from '../../src/delivery/attempt-decision.ts';
import type { AttemptResult } from '../../src/delivery/webhook-sender.ts';

const T0 = Date.UTC(2026, 0, 1);
const DAY = 24 * 60 * 60 * 1000;
const noJitter = () => 0.5;

function decide(
  result: Partial<AttemptResult>,
  overrides: Partial<AttemptDecisionInput> = {},
): ReturnType<typeof decideAfterAttempt> {
  return decideAfterAttempt({
    delivery: { id: 'd-1', attemptCount: 0 },
    endpoint: { failingSince: null },
    result: { ok: false, statusCode: 500, latencyMs: 12, responseBody: '', ...result },
    startedAt: T0,
    now: T0 + 12,
    schedule: [0, 100, 200],
    random: noJitter,
    ...overrides,
  });
}

describe('attempt decision: what one attempt means for the delivery and its endpoint', () => {
  it('2xx delivers and ends the endpoint failure run', () => {
    const outcome = decide(
      { ok: true, statusCode: 204, responseBody: 'thanks' },
      { endpoint: { failingSince: T0 - DAY } },
    );
    assert.deepEqual(outcome, {
      attempt: {
        deliveryId: 'd-1',
        attempt: 1,
        startedAt: T0,
        statusCode: 204,
        latencyMs: 12,
        error: null,
        responseBody: 'thanks',
      },
      next: { status: 'delivered' },
      endpoint: { failingSince: null },
    });
  });

  it('2xx on a healthy endpoint leaves the endpoint alone', () => {
    const outcome = decide({ ok: true, statusCode: 200 });
    assert.deepEqual(outcome.next, { status: 'delivered' });
    assert.equal(outcome.endpoint, undefined);
  });

  it('a failure schedules the next attempt from the schedule entry after this attempt', () => {
    const first = decide({ statusCode: 500, responseBody: 'boom' });
    assert.deepEqual(first.next, { status: 'pending', nextAttemptAt: T0 + 12 + 100 });
    assert.equal(first.attempt.error, 'HTTP 500');
    assert.equal(first.attempt.responseBody, 'boom');
    assert.deepEqual(first.endpoint, { failingSince: T0 });

    const second = decide({}, { delivery: { id: 'd-1', attemptCount: 1 } });
    assert.equal(second.attempt.attempt, 2);
    assert.deepEqual(second.next, { status: 'pending', nextAttemptAt: T0 + 12 + 200 });
  });

  it('fails the delivery once the schedule is used up', () => {
    const last = decide({}, { delivery: { id: 'd-1', attemptCount: 2 } });
    assert.equal(last.attempt.attempt, 3);
    assert.deepEqual(last.next, { status: 'failed' });
    assert.equal(last.endpoint?.disable, undefined);
  });

  it('records errors without a status as code: message', () => {
    const outcome = decide({
      statusCode: null,
      error: { code: 'timeout', message: 'no complete answer within 50 ms' },
    });
    assert.equal(outcome.attempt.error, 'timeout: no complete answer within 50 ms');
    assert.equal(outcome.attempt.statusCode, null);
    assert.equal(outcome.next.status, 'pending');
  });

  it('a redirect is a failure, not followed', () => {
    assert.equal(decide({ statusCode: 301 }).attempt.error, 'HTTP 301');
  });

  it('honours Retry-After when longer than the schedule', () => {
    const outcome = decide({ statusCode: 429, retryAfterMs: 120_000 });
    assert.deepEqual(outcome.next, { status: 'pending', nextAttemptAt: T0 + 12 + 120_000 });
  });

  it('410 Gone fails the delivery and disables the endpoint as gone', () => {
    const outcome = decide({ statusCode: 410 });
    assert.deepEqual(outcome.next, { status: 'failed' });
    assert.deepEqual(outcome.endpoint, { failingSince: T0, disable: 'gone' });
  });

  it('keeps the start of an existing failure run (nothing to write for the endpoint)', () => {
    const outcome = decide({}, { endpoint: { failingSince: T0 - DAY } });
    assert.equal(outcome.endpoint, undefined);
    const gone = decide({ statusCode: 410 }, { endpoint: { failingSince: T0 - DAY } });
    assert.deepEqual(gone.endpoint, { failingSince: T0 - DAY, disable: 'gone' });
  });

  it('disables an endpoint that has failed for 5 days, keeping the delivery pending', () => {
    const failingSince = T0 + 12 - DEFAULT_DISABLE_AFTER_MS;
    const outcome = decide({}, { endpoint: { failingSince } });
    assert.deepEqual(outcome.endpoint, { failingSince, disable: 'failing' });
    assert.equal(outcome.next.status, 'pending');

    const justBefore = decide({}, { endpoint: { failingSince: failingSince + 1 } });
    assert.equal(justBefore.endpoint, undefined);
  });

  it('the disable threshold is configurable', () => {
    const outcome = decide({}, { endpoint: { failingSince: T0 - 1000 }, disableAfterMs: 1000 });
    assert.equal(outcome.endpoint?.disable, 'failing');
  });

  it('keeps at most 1 KiB of the response body, never splitting a character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 2000 }), (body) => {
        const kept = decide({ responseBody: body }).attempt.responseBody;
        assert.ok(Buffer.byteLength(kept, 'utf8') <= ATTEMPT_BODY_LIMIT);
        assert.ok(body.startsWith(kept));
        assert.ok(!kept.includes('\uFFFD') || body.includes('\uFFFD'));
        if (Buffer.byteLength(body, 'utf8') <= ATTEMPT_BODY_LIMIT) assert.equal(kept, body);
        else assert.ok(Buffer.byteLength(kept, 'utf8') > ATTEMPT_BODY_LIMIT - 4);
      }),
    );
  });
});
