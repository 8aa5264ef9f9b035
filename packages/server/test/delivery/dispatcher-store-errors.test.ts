import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { assertDeliveredInOrder, harnessPerTest } from './dispatcher-harness.ts';

describe('dispatcher: a failing store write is reported and tried again', {
  timeout: 30_000,
}, () => {
  const h = harnessPerTest();

  it('keeps the outcomes of a failed write and writes them after retryAfterErrorMs', async () => {
    const { id, receiver } = await h().endpointWith();
    const write = h().store.recordAndClaim.bind(h().store);
    let failures = 1;
    // The first write that carries an outcome fails; claims alone go through.
    h().store.recordAndClaim = async (outcomes, now, claim) => {
      if (outcomes.length > 0 && failures-- > 0) {
        throw new Error('SQLITE_BUSY: database is locked');
      }
      return write(outcomes, now, claim);
    };
    const errors: unknown[] = [];
    const events = await h().emit(randomUUID(), 2);
    const dispatcher = h().dispatcher({ retryAfterErrorMs: 500, onError: (e) => errors.push(e) });
    await dispatcher.start();
    await receiver.waitFor(() => errors.length === 1);
    assert.match(String(errors[0]), /SQLITE_BUSY/);
    assert.equal(receiver.requests.length, 1);
    assert.deepEqual(dispatcher.stats(), { inFlight: 0, waiting: 0, unwritten: 1 });

    h().clock.advance(500);
    await dispatcher.idle();
    await assertDeliveredInOrder(h().store, id, receiver, events);
    assert.equal(receiver.requests.length, 2, 'the first event was not sent twice');
  });
});
