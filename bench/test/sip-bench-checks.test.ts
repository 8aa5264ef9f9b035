import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FULL_CALL_EVENTS } from '../../packages/server/test/sip/support/full-call.ts';
import { checkSipCalls, type LoggedEvent } from '../lib/sip-call-check.ts';
import { parseRttCsv, parseStatCounts, sourceAddress, splitRate } from '../lib/sipp-load.ts';

// The bench:sip logic that decides what a run measured: whether every call was exact and
// delivered, and what sipp's own files say.

const call = (callId: string, types: readonly string[] = FULL_CALL_EVENTS): LoggedEvent[] =>
  types.map((type, i) => ({ callId, seq: i + 1, type }));
const arrivalsOf = (events: readonly LoggedEvent[]) => ({
  callIds: events.map((e) => e.callId),
  seqs: events.map((e) => e.seq),
});

test('calls whose seven events were logged in order and all delivered are exact', () => {
  const logged = [...call('a'), ...call('b')];
  const check = checkSipCalls(logged, arrivalsOf(logged));
  assert.equal(check.calls, 2);
  assert.equal(check.exactCalls, 2);
  assert.equal(check.lost, 0);
  assert.deepEqual(check.byType['call.dtmf'], { logged: 2, delivered: 2 });
  assert.deepEqual(check.examples, []);
});

test('an event logged but never delivered makes its call not exact and counts as lost', () => {
  const logged = [...call('a'), ...call('b')];
  const delivered = logged.filter((e) => !(e.callId === 'b' && e.type === 'call.user.paused'));
  const check = checkSipCalls(logged, arrivalsOf(delivered));
  assert.equal(check.exactCalls, 1);
  assert.equal(check.lost, 1);
  assert.deepEqual(check.byType['call.user.paused'], { logged: 2, delivered: 1 });
  assert.match(check.examples[0]!, /^b: .*3:call\.user\.paused \(lost\)/);
});

test('a call with a missing, extra or reordered event is not exact though all were delivered', () => {
  const missing = call(
    'm',
    FULL_CALL_EVENTS.filter((t) => t !== 'call.dtmf'),
  );
  const extra = call('x', [...FULL_CALL_EVENTS.slice(0, 5), 'call.dtmf', 'call.user.removed']);
  const swapped = call('s', [
    'call.created',
    'call.user.invited',
    'call.user.unpaused',
    'call.user.paused',
    ...FULL_CALL_EVENTS.slice(4),
  ]);
  const logged = [...missing, ...extra, ...swapped];
  const check = checkSipCalls(logged, arrivalsOf(logged));
  assert.equal(check.calls, 3);
  assert.equal(check.exactCalls, 0);
  assert.equal(check.lost, 0);
  assert.equal(check.examples.length, 3);
});

test('an arrival with no logged event is counted', () => {
  const logged = call('a');
  const check = checkSipCalls(logged, arrivalsOf([...logged, { callId: 'z', seq: 1, type: '' }]));
  assert.equal(check.unknownArrivals, 1);
  assert.equal(check.exactCalls, 1);
});

test("sipp's rtt file gives each INVITE→200 time and when it was measured", () => {
  const text = 'Date_ms;response_time_ms;rtd_no\n220.001;16;1\n408.001;4;1\n612.5;8;2\n';
  assert.deepEqual(parseRttCsv(text), { inviteToOkMs: [16, 4], answeredAtMs: [220.001, 408.001] });
  assert.deepEqual(parseRttCsv(''), { inviteToOkMs: [], answeredAtMs: [] });
});

test("sipp's statistics give the cumulative successful and failed calls of the last line", () => {
  const header = 'StartTime;SuccessfulCall(P);SuccessfulCall(C);FailedCall(P);FailedCall(C)';
  const text = `${header}\nt0;5;5;0;0\nt1;3;8;1;2\n`;
  assert.deepEqual(parseStatCounts(text), { successful: 8, failed: 2 });
  assert.throws(() => parseStatCounts(`${header}\n`), /no SuccessfulCall\(C\) column/);
});

test('rates above 40 calls/s are split over sipps on their own loopback addresses', () => {
  assert.deepEqual(splitRate(20), { sources: 1, ratePerSource: 20 });
  assert.deepEqual(splitRate(40), { sources: 1, ratePerSource: 40 });
  assert.deepEqual(splitRate(60), { sources: 2, ratePerSource: 30 });
  assert.deepEqual(splitRate(100), { sources: 3, ratePerSource: 100 / 3 });
  assert.throws(() => splitRate(0), RangeError);
  assert.equal(sourceAddress(0), '127.0.0.1');
  assert.equal(sourceAddress(2), '127.0.0.3');
});
