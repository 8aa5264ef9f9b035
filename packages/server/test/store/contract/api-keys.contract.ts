import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { CallhookError } from '../../../src/errors.ts';
import type { ApiKeyRecord, ApiKeyStore } from '../../../src/store/api-key-port.ts';
import { T0 } from './call-commands.ts';
import type { StoreFactory } from './store-factory.ts';

// Scoped API keys: stored by hash, found by hash, listed newest first, revoked for good.

function apiKey(n: number, fields: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: `key_${n.toString(16).padStart(32, '0')}`,
    name: `key ${n}`,
    scopes: ['events:read'],
    hash: createHash('sha256').update(`secret-${n}`).digest('hex'),
    rateLimitPerSecond: null,
    createdAt: T0 + n,
    ...fields,
  };
}

async function everyPage(keys: ApiKeyStore, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await keys.listKeys({ limit, ...(cursor && { cursor }) });
    assert.ok(page.items.length <= limit);
    ids.push(...page.items.map((k) => k.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

function isCode(code: string) {
  return (error: unknown) => error instanceof CallhookError && error.code === code;
}

export function apiKeysContract(open: StoreFactory): void {
  test('a created key is found by its hash and by its id, with every field', async (t) => {
    const { keys } = await open(t);
    const key = apiKey(1, {
      scopes: ['calls:write', 'events:read'],
      rateLimitPerSecond: 2.5,
      name: 'bot «north» ✓',
    });
    await keys.createKey(key);
    assert.deepEqual(await keys.findKeyByHash(key.hash), key);
    assert.deepEqual(await keys.getKey(key.id), key);
    assert.equal(await keys.findKeyByHash(apiKey(2).hash), undefined);
    assert.equal(await keys.getKey(apiKey(2).id), undefined);
  });

  test('an id or a hash in use is a conflict, and changes nothing', async (t) => {
    const { keys } = await open(t);
    const first = apiKey(1);
    await keys.createKey(first);
    await assert.rejects(keys.createKey(apiKey(2, { id: first.id })), isCode('conflict'));
    await assert.rejects(keys.createKey(apiKey(3, { hash: first.hash })), isCode('conflict'));
    assert.deepEqual(await everyPage(keys, 10), [first.id]);
    assert.deepEqual(await keys.findKeyByHash(first.hash), first);
  });

  test('pages list every key once, newest first, ties broken by id', async (t) => {
    const { keys } = await open(t);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 0, maxLength: 12 }),
        fc.integer({ min: 1, max: 5 }),
        async (times, limit) => {
          for (const k of (await keys.listKeys({ limit: 500 })).items) await keys.revokeKey(k.id);
          const made = times.map((at, i) => apiKey(i, { createdAt: T0 + at }));
          for (const key of made) await keys.createKey(key);
          const expected = [...made]
            .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
            .map((k) => k.id);
          assert.deepEqual(await everyPage(keys, limit), expected);
        },
      ),
      { numRuns: 25 },
    );
  });

  test('a malformed cursor or limit is a validation error', async (t) => {
    const { keys } = await open(t);
    await assert.rejects(
      keys.listKeys({ limit: 10, cursor: 'not a cursor' }),
      isCode('validation_error'),
    );
    await assert.rejects(keys.listKeys({ limit: 0 }), isCode('validation_error'));
  });

  test('a revoked key is found no more; revoking it again says there was none', async (t) => {
    const { keys } = await open(t);
    const [a, b] = [apiKey(1), apiKey(2)];
    await keys.createKey(a);
    await keys.createKey(b);
    assert.equal(await keys.revokeKey(a.id), true);
    assert.equal(await keys.findKeyByHash(a.hash), undefined);
    assert.equal(await keys.getKey(a.id), undefined);
    assert.deepEqual(await everyPage(keys, 10), [b.id]);
    assert.equal(await keys.revokeKey(a.id), false);
    assert.deepEqual(await keys.findKeyByHash(b.hash), b);
  });

  test('keys survive a restart, revocations too', async (t) => {
    const store = await open(t);
    const [a, b] = [apiKey(1, { scopes: ['admin'] }), apiKey(2)];
    await store.keys.createKey(a);
    await store.keys.createKey(b);
    await store.keys.revokeKey(b.id);
    const again = await store.reopen();
    assert.deepEqual(await again.keys.findKeyByHash(a.hash), a);
    assert.equal(await again.keys.findKeyByHash(b.hash), undefined);
  });
}
