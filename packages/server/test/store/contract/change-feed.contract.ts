import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChangeFeed, ChangeNotice } from '../../../src/store/change-feed.ts';
import { allEvents, dtmf, startCall, T0 } from './call-commands.ts';
import { claim, endpoint, outcome } from './delivery-records.ts';
import type { StoreFactory } from './store-factory.ts';

// The change feed: after a commit, subscribers are told what changed — events appended (their
// types and the newest position), endpoints changed, deliveries made due outside a command.
// A notice may come later than the commit (NOTIFY on PostgreSQL), so each test waits for the
// notice it expects; "nothing was told" is shown by the next notice being the next change's.

/** The notices of `feed` that `want` accepts, one awaited at a time. */
function listen(feed: ChangeFeed, want: (notice: ChangeNotice) => boolean) {
  const seen: ChangeNotice[] = [];
  const waiters: (() => void)[] = [];
  const unsubscribe = feed.subscribe((notice) => {
    if (!want(notice)) return;
    seen.push(notice);
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    unsubscribe,
    /** Resolves with the n-th notice (0-based) once it has come; fails after NOTICE_BOUND_MS. */
    async nth(n: number): Promise<ChangeNotice> {
      const bound = Date.now() + NOTICE_BOUND_MS;
      while (seen.length <= n) {
        const left = bound - Date.now();
        if (left <= 0) assert.fail(`notice ${n + 1} did not come within ${NOTICE_BOUND_MS} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return seen[n]!;
    },
    get count() {
      return seen.length;
    },
  };
}

/** How late a notice may come: the feed's latency bound, far above NOTIFY's milliseconds. */
const NOTICE_BOUND_MS = 5_000;

const eventsOnly = (notice: ChangeNotice) => notice.events !== undefined;

export function changeFeedContract(open: StoreFactory): void {
  test('a command that appends events is told after its commit, with their types and the newest position', async (t) => {
    const { calls, changes } = await open(t);
    const feed = listen(changes, eventsOnly);
    t.after(feed.unsubscribe);
    const call = await startCall(calls);
    await dtmf(calls, call.state.callId, '12');
    const log = await allEvents(calls);

    const first = await feed.nth(0);
    assert.deepEqual(first.events?.types, ['call.created']);
    assert.equal(first.events?.lastPosition, log[0]!.position);
    // Commands may be told one by one or together; all their events are named, in order.
    const rest: string[] = [];
    let last = 0;
    for (let i = 1; rest.length < 2; i++) {
      const notice = await feed.nth(i);
      rest.push(...(notice.events?.types ?? []));
      last = notice.events?.lastPosition ?? last;
    }
    assert.deepEqual(rest, ['call.dtmf', 'call.dtmf']);
    assert.equal(last, log[2]!.position);
  });

  test('a refused command and one that appends nothing tell nothing', async (t) => {
    const { calls, changes } = await open(t);
    const feed = listen(changes, eventsOnly);
    t.after(feed.unsubscribe);
    const call = await startCall(calls);
    await feed.nth(0);
    await assert.rejects(
      calls.runCommand(call.state.callId, () => {
        throw new Error('refused by decide');
      }),
      /refused by decide/,
    );
    await calls.runCommand(call.state.callId, (current) => ({
      state: current!,
      events: [],
      result: null,
    }));
    await dtmf(calls, call.state.callId, '5');
    const next = await feed.nth(1);
    assert.deepEqual(next.events?.types, ['call.dtmf']);
  });

  test('endpoint changes are told: create, update, enable, delete', async (t) => {
    const { deliveries, changes } = await open(t);
    const feed = listen(changes, (n) => n.endpoints === true);
    t.after(feed.unsubscribe);
    await deliveries.createEndpoint(endpoint('ep_a'));
    await feed.nth(0);
    const created = (await deliveries.getEndpoint('ep_a'))!;
    await deliveries.updateEndpoint({
      ...created,
      enabled: false,
      disabledReason: 'manual',
      updatedAt: T0 + 1,
    });
    await feed.nth(1);
    await deliveries.enableEndpoint(
      { ...created, enabled: true, disabledReason: null, updatedAt: T0 + 2 },
      { replayMissed: false },
    );
    await feed.nth(2);
    assert.equal(await deliveries.deleteEndpoint('ep_a'), true);
    await feed.nth(3);
  });

  test('an endpoint disabled by an outcome (410) is told', async (t) => {
    const { calls, deliveries, changes } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    await startCall(calls);
    const feed = listen(changes, (n) => n.endpoints === true);
    t.after(feed.unsubscribe);
    const [due] = await claim(deliveries, T0);
    assert.ok(due);
    const gone = outcome(due, 'failed', T0, { failingSince: T0, disable: 'gone' });
    await deliveries.recordOutcomes([gone], T0 + 1);
    await feed.nth(0);
    assert.equal((await deliveries.getEndpoint('ep_a'))?.enabled, false);
  });

  test('a retry and a replay are told, so that a dispatcher wakes for them', async (t) => {
    const { calls, deliveries, changes } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    await startCall(calls);
    const [due] = await claim(deliveries, T0);
    assert.ok(due);
    await deliveries.recordOutcomes([outcome(due, 'failed')], T0 + 1);
    const feed = listen(changes, (n) => n.deliveries === true);
    t.after(feed.unsubscribe);
    await deliveries.retryDelivery(due.id, T0 + 2);
    await feed.nth(0);
    assert.equal(await deliveries.replay('ep_a', T0, T0 + 10, T0 + 3), 1);
    await feed.nth(1);
  });

  test('an unsubscribed listener hears nothing more', async (t) => {
    const { calls, changes } = await open(t);
    const gone = listen(changes, eventsOnly);
    gone.unsubscribe();
    const kept = listen(changes, eventsOnly);
    t.after(kept.unsubscribe);
    await startCall(calls);
    await kept.nth(0);
    assert.equal(gone.count, 0);
  });
}
