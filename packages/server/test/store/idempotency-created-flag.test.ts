import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCall } from './fixtures/fabricated-calls.ts';
import { tempStore } from './fixtures/temp-store.ts';

// The idempotency record says whether the first request created the call; SQLite keeps that
// in status_code as 201 / 200, the values databases written before the change already hold.

const T0 = Date.UTC(2026, 0, 1);

test('created is stored as status_code 201, anything else as 200, and read back', async (t) => {
  const { store } = tempStore(t);
  const call = createCall({ at: T0 });
  const record = (key: string, created: boolean) => ({
    scope: 'POST /v1/calls',
    key,
    requestHash: `hash-${key}`,
    created,
    responseBody: '{}',
    createdAt: T0,
  });
  await store.runCommand(call.state.callId, () => ({
    ...call,
    idempotency: record('new', true),
    result: null,
  }));
  await store.runCommand(call.state.callId, () => ({
    events: [],
    idempotency: record('again', false),
    result: null,
  }));
  const codes = store.db
    .prepare('SELECT key, status_code FROM idempotency_keys ORDER BY key')
    .all();
  assert.deepEqual(codes, [
    { key: 'again', status_code: 200 },
    { key: 'new', status_code: 201 },
  ]);
  assert.equal((await store.getIdempotency('POST /v1/calls', 'new'))?.created, true);
  assert.equal((await store.getIdempotency('POST /v1/calls', 'again'))?.created, false);
});

test('a record saved before the change (an HTTP status) reads as the same outcome', async (t) => {
  const { store } = tempStore(t);
  const insert = store.db.prepare(
    `INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response_body, created_at)
     VALUES ('s', ?, 'h', ?, '{}', 0)`,
  );
  insert.run('old-create', 201);
  insert.run('old-command', 200);
  assert.equal((await store.getIdempotency('s', 'old-create'))?.created, true);
  assert.equal((await store.getIdempotency('s', 'old-command'))?.created, false);
});
