import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FULL_CALL_SEQ_TYPES, fullCall } from './support/full-call.ts';
import { addRoom, eventually, startSipCallhook } from './support/sip-callhook.ts';
import { runSipp } from './support/sipp.ts';

// Must show: 200 calls at 20 calls/s from one sipp, each to a room of its own, each with hold,
// resume and an INFO DTMF: every call's events exact, none lost, none doubled.

const CALLS = 200;

test('200 sipp calls at 20 calls/s: every call has exactly its seven events', async (t) => {
  const callhook = await startSipCallhook(t);
  const calls = Array.from({ length: CALLS }, (_, i) => ({
    user: `caller-${i}`,
    room: `${2000 + i}`,
  }));
  for (const { room } of calls) await addRoom(callhook, room);
  const started = Date.now();
  const result = await runSipp(callhook.sip, {
    calls,
    rate: 20,
    steps: fullCall(200),
  });
  const seconds = (Date.now() - started) / 1000;
  assert.equal(
    result.code,
    0,
    `sipp failed:\n${result.errors.slice(0, 3000)}\n${result.stdout.slice(-3000)}`,
  );
  const events = await eventually(async () => {
    const all = await callhook.events();
    assert.equal(all.filter((e) => e.type === 'call.ended').length, CALLS);
    return all;
  });
  const byCall = new Map<string, typeof events>();
  for (const event of events)
    byCall.set(event.callId, [...(byCall.get(event.callId) ?? []), event]);
  assert.equal(byCall.size, CALLS);
  const threads = new Set<string>();
  for (const [callId, list] of byCall) {
    assert.deepEqual(
      list.map((e) => [e.seq, e.type]),
      FULL_CALL_SEQ_TYPES,
      `call ${callId}`,
    );
    const room = list[0]!.payload.threadId.replace('thread-', '');
    assert.equal(
      list[1]!.payload.userId,
      `caller-${Number(room) - 2000}`,
      'each caller in its own room',
    );
    threads.add(list[0]!.payload.threadId);
  }
  assert.equal(threads.size, CALLS);
  t.diagnostic(
    `${CALLS} calls in ${seconds.toFixed(1)} s (${(CALLS / seconds).toFixed(1)} calls/s), ` +
      `${events.length} events (${(events.length / seconds).toFixed(0)} events/s)`,
  );
});
