import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { RateLimiter } from '../../src/auth/rate-limiter.ts';
import { ManualClock } from '../../src/clock.ts';
import { type KeyServer, startKeyServer } from './support/key-server.ts';

// docs/contract.md §3: per-key rate limits answer 429 rate_limited with Retry-After.

let s: KeyServer;
before(async () => {
  s = await startKeyServer();
});
after(() => s.close());

test('a key over its rate gets 429 with Retry-After, and is served again once it has passed', async () => {
  const { key } = await s.createKey({
    name: 'slow',
    scopes: ['events:read'],
    rateLimitPerSecond: 2,
  });
  const statuses = [];
  for (let i = 0; i < 3; i++)
    statuses.push((await s.request('GET', '/v1/events', { key })).statusCode);
  assert.deepEqual(statuses, [200, 200, 429]);
  const limited = await s.request('GET', '/v1/events', { key });
  assert.equal(limited.statusCode, 429);
  assert.equal(limited.headers['retry-after'], '1');
  const { error } = limited.json<{ error: { code: string; message: string } }>();
  assert.equal(error.code, 'rate_limited');
  s.clock.advance(1_000);
  assert.equal((await s.request('GET', '/v1/events', { key })).statusCode, 200);
});

test('a limited command changes nothing', async () => {
  const { key } = await s.createKey({
    name: 'bot',
    scopes: ['calls:write'],
    rateLimitPerSecond: 1,
  });
  const body = { threadId: 't-1', streamId: 's-1' };
  assert.equal((await s.request('POST', '/v1/calls', { key, body })).statusCode, 201);
  const before = await s.server.store.calls.lastEventPosition();
  assert.equal((await s.request('POST', '/v1/calls', { key, body })).statusCode, 429);
  assert.equal(await s.server.store.calls.lastEventPosition(), before);
});

test('keys are limited each on its own; the bootstrap admin key and null-limit keys are not limited', async () => {
  const a = await s.createKey({ name: 'a', scopes: ['events:read'], rateLimitPerSecond: 1 });
  const b = await s.createKey({ name: 'b', scopes: ['events:read'], rateLimitPerSecond: 1 });
  const free = await s.createKey({
    name: 'free',
    scopes: ['events:read'],
    rateLimitPerSecond: null,
  });
  assert.equal((await s.request('GET', '/v1/events', { key: a.key })).statusCode, 200);
  assert.equal((await s.request('GET', '/v1/events', { key: a.key })).statusCode, 429);
  assert.equal((await s.request('GET', '/v1/events', { key: b.key })).statusCode, 200);
  for (let i = 0; i < 200; i++) {
    assert.equal((await s.request('GET', '/v1/events')).statusCode, 200);
    assert.equal((await s.request('GET', '/v1/events', { key: free.key })).statusCode, 200);
  }
});

test('the token bucket never lets through more than one second of the rate plus the rate × time', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.5, max: 50, noNaN: true }),
      fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 300 }),
      (rate, gaps) => {
        const clock = new ManualClock();
        const limiter = new RateLimiter(clock);
        const start = clock.now();
        let accepted = 0;
        for (const gap of gaps) {
          clock.advance(gap);
          const decision = limiter.take('k', rate);
          if (decision.ok) accepted++;
          else assert.ok(decision.retryAfterSeconds >= 1);
          const elapsed = (clock.now() - start) / 1000;
          assert.ok(accepted <= Math.max(1, rate) + rate * elapsed + 1e-9);
        }
      },
    ),
  );
});

test('a key that waits out Retry-After is served', () => {
  fc.assert(
    fc.property(fc.double({ min: 0.1, max: 20, noNaN: true }), (rate) => {
      const clock = new ManualClock();
      const limiter = new RateLimiter(clock);
      let decision = limiter.take('k', rate);
      while (decision.ok) decision = limiter.take('k', rate);
      clock.advance(decision.retryAfterSeconds * 1000);
      assert.equal(limiter.take('k', rate).ok, true);
    }),
  );
});
