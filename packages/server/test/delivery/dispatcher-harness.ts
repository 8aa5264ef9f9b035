// What dispatcher tests share: the real SQLite store in a temporary file, with events appended
// by commands (whose transaction writes the delivery outbox), a ManualClock for schedule time,
// a real sender on loopback, and a way to run until settled.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'node:test';
import { generateSecret } from '@callhook/sdk';
import { ManualClock } from '../../src/clock.ts';
import { Dispatcher, type DispatcherOptions } from '../../src/delivery/dispatcher.ts';
import { TargetPolicy } from '../../src/delivery/target-policy.ts';
import { WebhookSender } from '../../src/delivery/webhook-sender.ts';
import type { CallState, EngineEvent } from '../../src/engine/call-state.ts';
import type { ChangeFeed } from '../../src/store/change-feed.ts';
import type {
  AttemptRecord,
  DeliveryRecord,
  DeliveryStatus,
  DeliveryStore,
  EndpointRecord,
} from '../../src/store/delivery-port.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.ts';
import { type Receiver, type ReceiverOptions, startReceiver } from './webhook-receiver.ts';

export type DeliveryWithAttempts = DeliveryRecord & { attempts: AttemptRecord[] };

export interface Harness {
  clock: ManualClock;
  /** The node id of the harness's dispatchers: the owner of their leases. */
  owner: string;
  /** The delivery half of `calls`. */
  store: DeliveryStore;
  calls: SqliteStore;
  /** The store's change feed (commits wake the dispatchers). */
  changes: ChangeFeed;
  sender: WebhookSender;
  addEndpoint(url: string): Promise<{ id: string; secret: string }>;
  /** An endpoint and a verifying loopback receiver at its URL (closed by close(), first). */
  endpointWith(
    behave?: ReceiverOptions['behave'],
  ): Promise<{ id: string; secret: string; receiver: Receiver }>;
  /** Appends the call's next `count` events (seq 1 is call.created) and publishes them. */
  emit(callId: string, count: number): Promise<EngineEvent[]>;
  /** A dispatcher on this harness, jitter off; stopped by close(). */
  dispatcher(options?: Partial<DispatcherOptions>): Dispatcher;
  /** The endpoint's deliveries in event order, each with its attempts in order. */
  deliveries(endpointId: string, status?: DeliveryStatus): Promise<DeliveryWithAttempts[]>;
  /** Runs the dispatcher until nothing is due, moving the clock to each next due time. */
  settle(dispatcher: Dispatcher, maxSteps?: number): Promise<void>;
  close(): Promise<void>;
}

/** A fresh harness for each test of the enclosing `describe`, closed after it; `h()` is the current one. */
export function harnessPerTest(): () => Harness {
  let current: Harness | undefined;
  beforeEach(async () => {
    current = await openHarness();
  });
  afterEach(() => current?.close());
  return () => {
    if (!current) throw new Error('no harness outside a test');
    return current;
  };
}

export async function openHarness(): Promise<Harness> {
  // Whole seconds near real time: receivers check webhook-timestamp against their own clock.
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
  const dir = mkdtempSync(join(tmpdir(), 'callhook-dispatcher-'));
  const calls = openSqliteStore({ path: join(dir, 'callhook.db') });
  const store = calls.deliveries;
  const sender = new WebhookSender({
    version: 'test',
    policy: new TargetPolicy({ allowTargets: ['127.0.0.0/8'] }),
  });
  const dispatchers: Dispatcher[] = [];
  const receivers: Receiver[] = [];

  const harness: Harness = {
    clock,
    owner: `node_${randomUUID()}`,
    store,
    calls,
    changes: calls.changes,
    sender,
    async addEndpoint(url) {
      const secret = generateSecret();
      const now = clock.now();
      const endpoint: EndpointRecord = {
        id: randomUUID(),
        url,
        description: null,
        eventTypes: null,
        filter: null,
        enabled: true,
        disabledReason: null,
        secrets: [{ secret, createdAt: now, expiresAt: null }],
        failingSince: null,
        disabledAfterPosition: null,
        createdAt: now,
        updatedAt: now,
      };
      await store.createEndpoint(endpoint);
      return { id: endpoint.id, secret };
    },
    async endpointWith(behave) {
      const { id, secret } = await harness.addEndpoint('http://placeholder.invalid/');
      const receiver = await startReceiver({ secret, ...(behave ? { behave } : {}) });
      receivers.push(receiver);
      await store.updateEndpoint({ ...(await store.getEndpoint(id))!, url: receiver.url });
      return { id, secret, receiver };
    },
    async emit(callId, count) {
      const now = clock.now();
      const events = await calls.runCommand(callId, (current) => {
        const state = current ?? newCall(callId, now);
        const from = current?.lastSeq ?? 0;
        const made: EngineEvent[] = [];
        for (let seq = from + 1; seq <= from + count; seq += 1)
          made.push(eventOf(callId, seq, now));
        return {
          state: { ...state, lastSeq: from + count, updatedAt: now },
          events: made,
          result: made,
        };
      });
      return events;
    },
    deliveries: (endpointId, status) => listAll(store, endpointId, status),
    dispatcher(options = {}) {
      const dispatcher = new Dispatcher({
        store,
        owner: harness.owner,
        sender,
        clock,
        changes: calls.changes,
        random: () => 0.5,
        onError: (error) => {
          throw error;
        },
        ...options,
      });
      dispatchers.push(dispatcher);
      return dispatcher;
    },
    async settle(dispatcher, maxSteps = 100) {
      for (let step = 0; step < maxSteps; step += 1) {
        await dispatcher.idle();
        const due = await store.nextDueAt();
        if (due === null) return;
        clock.advance(due - clock.now());
      }
      throw new Error(`still not settled after ${maxSteps} steps`);
    },
    async close() {
      // Closing a hung receiver ends its attempts, so stop() does not wait for their timeout.
      for (const r of receivers.splice(0)) await r.close();
      for (const d of dispatchers) await d.stop();
      await sender.close();
      await calls.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

async function listAll(
  store: DeliveryStore,
  endpointId: string,
  status?: DeliveryStatus,
): Promise<DeliveryWithAttempts[]> {
  const all: DeliveryWithAttempts[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listDeliveries(endpointId, {
      limit: 100,
      ...(status ? { status } : {}),
      ...(cursor ? { cursor } : {}),
    });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  for (const d of all) d.attempts.sort((a, b) => a.attempt - b.attempt);
  return all.sort((a, b) => a.eventPosition - b.eventPosition);
}

const THREAD = 'thread-1';
const STREAM = 'stream-1';

/** A call's state as the store keeps it; only lastSeq matters to delivery. */
function newCall(callId: string, at: number): CallState {
  return {
    callId,
    threadId: THREAD,
    streamId: STREAM,
    status: 'active',
    createdAt: at,
    endedAt: null,
    endReason: null,
    lastSeq: 0,
    updatedAt: at,
    participants: [],
    everInvited: false,
    dialogMs: 0,
    dialogSince: null,
    idleSince: at,
  };
}

function eventOf(callId: string, seq: number, at: number): EngineEvent {
  const id = randomUUID();
  if (seq === 1) {
    return {
      id,
      callId,
      seq,
      type: 'call.created',
      occurredAt: at,
      payload: {
        eventType: 'call.created',
        callId,
        threadId: THREAD,
        streamId: STREAM,
        createdAt: at,
      },
    };
  }
  return {
    id,
    callId,
    seq,
    type: 'call.user.invited',
    occurredAt: at,
    payload: {
      eventType: 'call.user.invited',
      callId,
      threadId: THREAD,
      streamId: STREAM,
      userId: `user-${seq}`,
    },
  };
}

/**
 * Every event reached the receiver, per call in seq order (each seq only after the previous
 * was answered 2xx), signed, with the event's UUID as webhook-id on every attempt and the
 * attempts numbered on by one; and the store says delivered after exactly those attempts.
 */
export async function assertDeliveredInOrder(
  store: DeliveryStore,
  endpointId: string,
  receiver: Receiver,
  events: readonly EngineEvent[],
): Promise<void> {
  assert.deepEqual(receiver.orderViolations, []);
  assert.deepEqual(
    receiver.requests.filter((r) => r.signatureError !== null).map((r) => r.signatureError),
    [],
  );
  for (const callId of new Set(events.map((e) => e.callId))) {
    assert.deepEqual(
      receiver.accepted(callId),
      events.filter((e) => e.callId === callId).map((e) => e.seq),
      `call ${callId} accepted in order`,
    );
  }
  for (const event of events) {
    const requests = receiver.requests.filter(
      (r) => r.callId === event.callId && r.seq === event.seq,
    );
    assert.ok(requests.length > 0, `event ${event.callId}/${event.seq} arrived`);
    assert.deepEqual(
      requests.map((r) => r.eventId),
      requests.map(() => event.id),
      'webhook-id is the event UUID on every attempt',
    );
    // Attempts the receiver never saw (refused connections) still count.
    const first = requests[0]!.attempt;
    assert.deepEqual(
      requests.map((r) => r.attempt),
      requests.map((_, i) => first + i),
      'callhook-attempt counts up by one',
    );
    assert.deepEqual(JSON.parse(requests[0]!.body), event.payload);
    assert.equal(requests[0]!.eventType, event.type);
  }
  const items = await listAll(store, endpointId);
  assert.equal(items.length, events.length);
  for (const d of items) {
    assert.equal(d.status, 'delivered', `delivery of ${d.callId}/${d.seq}`);
    assert.equal(d.attempts.length, d.attemptCount);
    const seen = receiver.requests.filter((r) => r.callId === d.callId && r.seq === d.seq);
    assert.equal(seen.at(-1)?.attempt, d.attemptCount);
    assert.equal(d.attempts.at(-1)?.statusCode, 200);
  }
}
