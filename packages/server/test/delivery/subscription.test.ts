import assert from 'node:assert/strict';
import { test } from 'node:test';
import { selectorOf, selects } from '../../src/delivery/subscription.ts';

// The subscription rule (docs/contract.md §3 "Endpoints"), the same for every store adapter.

const dtmf = { type: 'call.dtmf', streamId: 's1', threadId: 't1' };

test('no event types and no filter select every event', () => {
  const all = selectorOf({ eventTypes: null, filter: null });
  assert.equal(selects(all, dtmf), true);
  assert.equal(selects(all, { type: 'call.ended', streamId: null, threadId: null }), true);
});

test('event types select by type', () => {
  const ends = selectorOf({ eventTypes: ['call.created', 'call.ended'], filter: null });
  assert.equal(selects(ends, dtmf), false);
  assert.equal(selects(ends, { ...dtmf, type: 'call.ended' }), true);
});

test('each filter field must be equal; an unset one matches anything', () => {
  const s1 = selectorOf({ eventTypes: null, filter: { streamId: 's1' } });
  const s1t2 = selectorOf({
    eventTypes: ['call.dtmf'],
    filter: { streamId: 's1', threadId: 't2' },
  });
  assert.equal(selects(s1, dtmf), true);
  assert.equal(selects(s1, { ...dtmf, streamId: 's2' }), false);
  assert.equal(selects(s1t2, dtmf), false);
  assert.equal(selects(s1t2, { ...dtmf, threadId: 't2' }), true);
  assert.equal(selects(s1, { ...dtmf, streamId: null }), false);
});
