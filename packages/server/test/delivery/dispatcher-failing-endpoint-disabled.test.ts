import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { harnessPerTest } from './dispatcher-harness.ts';

describe('dispatcher: an endpoint that fails every attempt for disableAfterMs is disabled', {
  timeout: 30_000,
}, () => {
  const h = harnessPerTest();

  it('disables it, keeps its deliveries pending, and starts a new run after re-enabling', async () => {
    let answer = 500;
    const { id, receiver } = await h().endpointWith(() => ({ status: answer }));
    await h().emit(randomUUID(), 2);
    const dispatcher = h().dispatcher({
      schedule: [0, 100, 100, 100, 100, 100],
      disableAfterMs: 250,
    });
    await dispatcher.start();
    const t0 = h().clock.now();
    await dispatcher.idle();
    for (let i = 0; i < 5; i += 1) {
      h().clock.advance(100);
      await dispatcher.idle();
    }

    // Attempts at 0, 100, 200, 300; at 300 the run is 300 ms old, past 250. Nothing after.
    assert.deepEqual(
      receiver.requests.map((r) => [r.seq, r.attempt]),
      [
        [1, 1],
        [1, 2],
        [1, 3],
        [1, 4],
      ],
    );
    const disabled = (await h().store.getEndpoint(id))!;
    assert.equal(disabled.enabled, false);
    assert.equal(disabled.disabledReason, 'failing');
    assert.equal(disabled.failingSince, t0);
    const [head] = await h().deliveries(id);
    assert.equal(head?.status, 'pending');
    assert.equal(head?.attemptCount, 4);
    assert.equal(await h().store.nextDueAt(), null, 'a disabled endpoint has nothing due');

    // The operator re-enables it (the API ends the failure run); the next attempt fails once
    // more, which must start a new run rather than disable it again at once.
    await h().store.updateEndpoint({
      ...disabled,
      enabled: true,
      disabledReason: null,
      failingSince: null,
      updatedAt: h().clock.now(),
    });
    await dispatcher.idle(); // as the API would, after enabling
    const failingAgain = (await h().store.getEndpoint(id))!;
    assert.equal(failingAgain.enabled, true);
    assert.equal(failingAgain.failingSince, t0 + 500);

    answer = 200;
    await h().settle(dispatcher);
    assert.deepEqual(receiver.requests.map((r) => [r.seq, r.attempt]).slice(4), [
      [1, 5],
      [1, 6],
      [2, 1],
    ]);
    assert.equal((await h().store.getEndpoint(id))!.failingSince, null);
  });
});
