import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CallhookError } from '../../../src/errors.ts';
import type { SipDirectory, SipRoom, SipUser } from '../../../src/store/sip-port.ts';
import type { StoreFactory } from './store-factory.ts';

// The SIP directory: rooms stored whole, taken once, listed in byte order across pages; users
// stored whole and replaced whole; both kept across a restart.

const T0 = Date.UTC(2026, 0, 1);

function room(name: string, overrides: Partial<SipRoom> = {}): SipRoom {
  return {
    room: name,
    streamId: `stream-${name}`,
    threadId: `thread-${name}`,
    createdAt: T0,
    ...overrides,
  };
}

function user(userId: string, fill: string): SipUser {
  return {
    userId,
    realm: 'callhook',
    ha1Md5: fill.repeat(32),
    ha1Sha256: fill.repeat(64),
    createdAt: T0,
  };
}

const code = (expected: string) => (error: unknown) =>
  error instanceof CallhookError && error.code === expected;

async function allRooms(
  sip: SipDirectory,
  limit: number,
): Promise<{ names: string[]; pages: number }> {
  const names: string[] = [];
  let after: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await sip.listRooms({ limit, ...(after !== undefined && { after }) });
    assert.ok(page.rooms.length <= limit);
    names.push(...page.rooms.map((r) => r.room));
    pages += 1;
    if (page.nextAfter === null) break;
    after = page.nextAfter;
  }
  return { names, pages };
}

export function sipDirectoryContract(open: StoreFactory): void {
  test('a room is stored and read back whole; its name is taken once', async (t) => {
    const { sip } = await open(t);
    const first = room('1001', { streamId: 's-1', threadId: 't-1', createdAt: T0 + 7 });
    await sip.createRoom(first);
    assert.deepEqual(await sip.getRoom('1001'), first);
    await assert.rejects(sip.createRoom(room('1001', { threadId: 'other' })), code('conflict'));
    assert.deepEqual(await sip.getRoom('1001'), first, 'a refused create changes nothing');
    assert.equal(await sip.getRoom('1002'), undefined);
  });

  test('names compare byte for byte: case and padding make other rooms', async (t) => {
    const { sip } = await open(t);
    await sip.createRoom(room('Lobby'));
    assert.equal(await sip.getRoom('lobby'), undefined);
    assert.equal(await sip.getRoom('Lobby '), undefined);
    await sip.createRoom(room('lobby'));
    assert.equal((await sip.getRoom('lobby'))?.threadId, 'thread-lobby');
  });

  test('deleting a room frees its name; deleting it again is false', async (t) => {
    const { sip } = await open(t);
    await sip.createRoom(room('1001'));
    assert.equal(await sip.deleteRoom('1001'), true);
    assert.equal(await sip.getRoom('1001'), undefined);
    assert.equal(await sip.deleteRoom('1001'), false);
    await sip.createRoom(room('1001', { threadId: 'thread-new' }));
    assert.equal((await sip.getRoom('1001'))?.threadId, 'thread-new');
  });

  test('pages list every room once, in byte order, and the last page says so', async (t) => {
    const { sip } = await open(t);
    assert.deepEqual(await sip.listRooms({ limit: 10 }), { rooms: [], nextAfter: null });
    const names = ['b', 'B', '10', '2', 'a-1', 'a.1', 'a_1', 'A+1'];
    for (const name of names) await sip.createRoom(room(name));
    const { names: listed, pages } = await allRooms(sip, 3);
    assert.deepEqual(listed, [...names].sort(byBytes));
    assert.equal(pages, 3);
    const exact = await sip.listRooms({ limit: names.length });
    assert.equal(exact.nextAfter, null, 'a page that ends at the last room is the last page');
    assert.deepEqual(exact.rooms[0], room([...names].sort(byBytes)[0]!));
    await assert.rejects(sip.listRooms({ limit: 0 }), code('validation_error'));
    await assert.rejects(sip.listRooms({ limit: 501 }), code('validation_error'));
  });

  test('any set of rooms pages back whole at any page size', async (t) => {
    const { sip } = await open(t);
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9._+-]{1,8}$/), { maxLength: 20 }),
        fc.integer({ min: 1, max: 7 }),
        async (names, limit) => {
          round += 1;
          const prefixed = names.map((n) => `r${round}${n}`);
          for (const name of prefixed) await sip.createRoom(room(name));
          const { names: listed } = await allRooms(sip, limit);
          assert.deepEqual(listed, [...prefixed].sort(byBytes));
          for (const name of prefixed) assert.equal(await sip.deleteRoom(name), true);
        },
      ),
      { numRuns: 40 },
    );
  });

  test('a user is stored whole, replaced whole by a new password, and deleted', async (t) => {
    const { sip } = await open(t);
    assert.equal(await sip.getUser('alice'), undefined);
    await sip.putUser(user('alice', 'a'));
    await sip.putUser(user('bob', 'b'));
    assert.deepEqual(await sip.getUser('alice'), user('alice', 'a'));
    const changed = { ...user('alice', 'c'), realm: 'other', createdAt: T0 + 9 };
    await sip.putUser(changed);
    assert.deepEqual(await sip.getUser('alice'), changed);
    assert.deepEqual(await sip.getUser('bob'), user('bob', 'b'));
    assert.equal(await sip.getUser('Alice'), undefined, 'userIds compare byte for byte');
    assert.equal(await sip.deleteUser('alice'), true);
    assert.equal(await sip.deleteUser('alice'), false);
    assert.equal(await sip.getUser('alice'), undefined);
  });

  test('rooms and users survive a restart', async (t) => {
    const store = await open(t);
    await store.sip.createRoom(room('1001'));
    await store.sip.putUser(user('alice', 'a'));
    const reopened = await store.reopen();
    assert.deepEqual(await reopened.sip.getRoom('1001'), room('1001'));
    assert.deepEqual(await reopened.sip.getUser('alice'), user('alice', 'a'));
  });
}

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
