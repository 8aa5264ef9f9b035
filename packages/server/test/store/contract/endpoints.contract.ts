import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallhookError } from '../../../src/errors.ts';
import type { EndpointRecord } from '../../../src/store/delivery-port.ts';
import { dtmf, startCall, T0 } from './call-commands.ts';
import { claim, deliveriesOf, drain, endpoint, outcome } from './delivery-records.ts';
import type { StoreFactory } from './store-factory.ts';

// Endpoints: stored whole, listed in pages, and enabling or disabling one parks or resumes its lanes.

const code = (expected: string) => (error: unknown) =>
  error instanceof CallhookError && error.code === expected;

function disabled(record: EndpointRecord, at: number, position: number): EndpointRecord {
  return {
    ...record,
    enabled: false,
    disabledReason: 'manual',
    disabledAfterPosition: position,
    updatedAt: at,
  };
}

function enabled(record: EndpointRecord, at: number): EndpointRecord {
  return {
    ...record,
    enabled: true,
    disabledReason: null,
    disabledAfterPosition: null,
    updatedAt: at,
  };
}

export function endpointsContract(open: StoreFactory): void {
  test('an endpoint is stored and read back whole; its id is taken once', async (t) => {
    const { deliveries } = await open(t);
    const record = endpoint('ep_a', {
      description: 'billing bot',
      eventTypes: ['call.created', 'call.ended'],
      filter: { streamId: 'stream-1', threadId: 'thread-1' },
      secrets: [
        {
          secret: 'whsec_bmV3LXNlY3JldC1uZXctc2VjcmV0LW5ldw==',
          createdAt: T0 + 5,
          expiresAt: null,
        },
        {
          secret: 'whsec_b2xkLXNlY3JldC1vbGQtc2VjcmV0LW9sZA==',
          createdAt: T0,
          expiresAt: T0 + 86_400_000,
        },
      ],
      failingSince: T0 + 3,
    });
    await deliveries.createEndpoint(record);
    assert.deepEqual(await deliveries.getEndpoint('ep_a'), record);
    assert.equal(await deliveries.getEndpoint('ep_b'), undefined);
    await assert.rejects(deliveries.createEndpoint(endpoint('ep_a')), code('conflict'));
    assert.deepEqual(await deliveries.getEndpoint('ep_a'), record);
  });

  test('pages of endpoints list each endpoint once', async (t) => {
    const { deliveries } = await open(t);
    const ids = Array.from({ length: 7 }, (_, i) => `ep_${i}`);
    for (const [i, id] of ids.entries())
      await deliveries.createEndpoint(endpoint(id, { createdAt: T0 + (i % 3) }));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await deliveries.listEndpoints({ limit: 3, ...(cursor && { cursor }) });
      assert.ok(page.items.length <= 3);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    assert.deepEqual([...seen].sort(), ids);
    assert.equal(pages, 3);
    const all = await deliveries.listEndpoints({ limit: 10 });
    assert.equal(all.nextCursor, null);
    assert.deepEqual(
      all.items.find((e) => e.id === 'ep_4'),
      endpoint('ep_4', { createdAt: T0 + 1 }),
    );
  });

  test('an update writes the whole record; an unknown endpoint is not_found', async (t) => {
    const { deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    const changed = endpoint('ep_a', {
      url: 'https://hooks.example.com/moved',
      description: 'moved',
      eventTypes: ['call.dtmf'],
      filter: { threadId: 'thread-9' },
      failingSince: T0 + 9,
      updatedAt: T0 + 10,
    });
    await deliveries.updateEndpoint(changed);
    assert.deepEqual(await deliveries.getEndpoint('ep_a'), changed);
    await assert.rejects(deliveries.updateEndpoint(endpoint('ep_gone')), code('not_found'));
    assert.equal(await deliveries.getEndpoint('ep_gone'), undefined);
  });

  test('deleting an endpoint deletes its deliveries and attempts', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    await deliveries.createEndpoint(endpoint('ep_b'));
    await startCall(calls);
    const [head] = await claim(deliveries, T0, 'node-a', { excludeEndpointIds: ['ep_b'] });
    await deliveries.recordOutcomes([outcome(head!, 'failed')], T0);
    assert.equal(await deliveries.deleteEndpoint('ep_a'), true);
    assert.equal(await deliveries.getEndpoint('ep_a'), undefined);
    assert.equal(await deliveries.getDelivery(head!.id), undefined);
    assert.deepEqual(await deliveriesOf(deliveries, 'ep_a'), []);
    assert.equal(await deliveries.deleteEndpoint('ep_a'), false);
    assert.equal((await deliveriesOf(deliveries, 'ep_b')).length, 1);
  });

  test("disabling parks the endpoint's lanes; enabling makes each lane's first pending due", async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    await deliveries.createEndpoint(endpoint('ep_b'));
    const x = (await startCall(calls)).state.callId;
    const y = (await startCall(calls)).state.callId;
    await dtmf(calls, x, '12');
    const position = await calls.lastEventPosition();
    await deliveries.updateEndpoint(
      disabled((await deliveries.getEndpoint('ep_a'))!, T0 + 5, position),
    );

    const due = await claim(deliveries, T0 + 10);
    assert.ok(
      due.every((d) => d.endpointId === 'ep_b'),
      'a disabled endpoint has no due head',
    );
    await deliveries.recordOutcomes(
      due.map((d) => outcome(d, 'delivered')),
      T0 + 10,
    );
    await drain(deliveries, T0 + 10);
    assert.equal(await deliveries.nextDueAt(), null);
    const parked = await deliveriesOf(deliveries, 'ep_a');
    assert.deepEqual(
      parked.map((d) => [d.status, d.nextAttemptAt]),
      Array(4).fill(['pending', null]),
    );

    await deliveries.updateEndpoint(enabled((await deliveries.getEndpoint('ep_a'))!, T0 + 100));
    assert.equal(await deliveries.nextDueAt(), T0 + 100);
    assert.deepEqual(await claim(deliveries, T0 + 99), []);
    const sent = await drain(deliveries, T0 + 100);
    assert.deepEqual(
      sent.filter(([c]) => c === x).map(([, s]) => s),
      [1, 2, 3],
    );
    assert.deepEqual(
      sent.filter(([c]) => c === y).map(([, s]) => s),
      [1],
    );
  });

  test('an outcome that disables its endpoint parks the lane and keeps the failure run', async (t) => {
    const { calls, deliveries } = await open(t);
    await deliveries.createEndpoint(endpoint('ep_a'));
    const call = await startCall(calls);
    await dtmf(calls, call.state.callId, '1');
    const [head] = await claim(deliveries, T0);
    await deliveries.recordOutcomes(
      [outcome(head!, 'failed', T0, { failingSince: T0 - 1_000, disable: 'failing' })],
      T0 + 1,
    );
    const record = await deliveries.getEndpoint('ep_a');
    assert.deepEqual(
      [
        record?.enabled,
        record?.disabledReason,
        record?.failingSince,
        record?.disabledAfterPosition,
      ],
      [false, 'failing', T0 - 1_000, await calls.lastEventPosition()],
    );
    assert.deepEqual(await claim(deliveries, T0 + 1), []);
    assert.equal(await deliveries.nextDueAt(), null);
    const rest = await deliveriesOf(deliveries, 'ep_a');
    assert.deepEqual(
      rest.map((d) => [d.seq, d.status]),
      [
        [1, 'failed'],
        [2, 'pending'],
      ],
    );
  });
}
