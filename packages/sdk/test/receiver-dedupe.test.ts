// Deduplication by webhook-id: at-least-once delivery in, each event handled once out.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  createReceiver,
  type DedupeStore,
  DedupeStoreError,
  MemoryDedupeStore,
  type ReceiverError,
} from '@callhook/sdk';
import { type LoopbackServer, startLoopbackServer } from './support/loopback-server.ts';
import { bodyOf, deliveryHeaders, postDelivery, SECRET } from './support/signed-delivery.ts';

// A held request that is never answered must fail the test, not hang the run.
const bounded = { timeout: 10_000 };

const servers: LoopbackServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

const body = bodyOf('call.user.invited');
const delivery = (id: string) => ({ rawBody: body, headers: deliveryHeaders({ id, body }) });
const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('receiver dedupe', () => {
  it(
    'runs handlers once for a webhook-id delivered twice, and answers 204 both times',
    bounded,
    async () => {
      let calls = 0;
      const receiver = createReceiver({ secret: SECRET }).on('call.user.invited', () => {
        calls += 1;
      });
      const server = await startLoopbackServer(receiver.node);
      servers.push(server);
      const first = await postDelivery(server.url, { id: 'evt-1', body, attempt: 1 });
      const again = await postDelivery(server.url, { id: 'evt-1', body, attempt: 2 });
      const other = await postDelivery(server.url, { id: 'evt-2', body });
      assert.deepEqual([first.status, again.status, other.status], [204, 204, 204]);
      assert.equal(calls, 2);
    },
  );

  it(
    'records an id only once its handlers succeeded, so a retry after a 500 runs them again',
    bounded,
    async () => {
      let calls = 0;
      const receiver = createReceiver({ secret: SECRET }).onAny(() => {
        calls += 1;
        if (calls === 1) throw new Error('first attempt fails');
      });
      assert.equal((await receiver.receive(delivery('evt-r'))).status, 500);
      assert.equal((await receiver.receive(delivery('evt-r'))).status, 204);
      assert.equal((await receiver.receive(delivery('evt-r'))).status, 204);
      assert.equal(calls, 2);
    },
  );

  it(
    'a duplicate arriving while the first is still being handled shares its answer',
    bounded,
    async () => {
      let calls = 0;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let started!: () => void;
      const handlerStarted = new Promise<void>((resolve) => {
        started = resolve;
      });
      const receiver = createReceiver({ secret: SECRET }).onAny(async () => {
        calls += 1;
        started();
        await gate;
      });
      const first = receiver.receive(delivery('evt-slow'));
      const second = receiver.receive(delivery('evt-slow'));
      await handlerStarted;
      await nextMacrotask(); // the second delivery has been verified and is waiting
      release();
      assert.deepEqual(await Promise.all([first, second]), [{ status: 204 }, { status: 204 }]);
      assert.equal(calls, 1);
    },
  );

  it('dedupe: false hands every delivery to the handlers', bounded, async () => {
    let calls = 0;
    const receiver = createReceiver({ secret: SECRET, dedupe: false }).onAny(() => {
      calls += 1;
    });
    await receiver.receive(delivery('evt-x'));
    await receiver.receive(delivery('evt-x'));
    assert.equal(calls, 2);
  });

  it('uses a pluggable (async) store: checks before, records after success', bounded, async () => {
    const log: string[] = [];
    const ids = new Set<string>();
    const store: DedupeStore = {
      async has(id) {
        log.push(`has ${id}`);
        return ids.has(id);
      },
      async add(id) {
        log.push(`add ${id}`);
        ids.add(id);
      },
    };
    let fail = true;
    const receiver = createReceiver({ secret: SECRET, dedupe: store }).onAny(() => {
      log.push('handler');
      if (fail) throw new Error('no');
    });
    await receiver.receive(delivery('evt-s'));
    fail = false;
    await receiver.receive(delivery('evt-s'));
    await receiver.receive(delivery('evt-s'));
    assert.deepEqual(log, [
      'has evt-s',
      'handler',
      'has evt-s',
      'handler',
      'add evt-s',
      'has evt-s',
    ]);
  });

  it('answers 500 and reports when the store cannot be read', bounded, async () => {
    const errors: ReceiverError[] = [];
    let calls = 0;
    const broken: DedupeStore = {
      has() {
        throw new Error('redis unreachable');
      },
      add() {},
    };
    const receiver = createReceiver({ secret: SECRET, dedupe: broken })
      .onAny(() => {
        calls += 1;
      })
      .onError((e) => {
        errors.push(e);
      });
    const result = await receiver.receive(delivery('evt-b'));
    assert.equal(result.status, 500);
    assert.equal(calls, 0);
    assert.ok(errors[0] instanceof DedupeStoreError);
    assert.match(errors[0].message, /redis unreachable/);
  });

  it('the default store is bounded: it forgets the least recently seen ids', bounded, () => {
    const store = new MemoryDedupeStore(3);
    for (const id of ['a', 'b', 'c']) store.add(id);
    assert.equal(store.has('a'), true); // a is now the most recent
    store.add('d');
    assert.equal(store.size, 3);
    assert.equal(store.has('b'), false);
    assert.deepEqual(
      ['a', 'c', 'd'].map((id) => store.has(id)),
      [true, true, true],
    );
    assert.throws(() => new MemoryDedupeStore(0), RangeError);
  });
});
