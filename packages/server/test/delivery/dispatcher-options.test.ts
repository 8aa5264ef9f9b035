import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/clock.ts';
import { dispatcherConfig } from '../../src/delivery/dispatcher-options.ts';
import { DEFAULT_RETRY_SCHEDULE_MS } from '../../src/delivery/retry-schedule.ts';
import type { DeliveryStore } from '../../src/store/delivery-port.ts';

const base = {
  store: {} as DeliveryStore, // not used by the settings
  owner: 'node_test',
  clock: new ManualClock(),
  sender: { send: async () => ({ ok: true, statusCode: 200, latencyMs: 0, responseBody: '' }) },
};

describe('dispatcher options: contract defaults, nonsense refused', () => {
  it('defaults to the contract: 15 s attempts, 5-day disable, the default schedule', () => {
    const config = dispatcherConfig(base);
    assert.equal(config.attemptTimeoutMs, 15_000);
    assert.equal(config.leaseMs, 45_000);
    assert.equal(config.disableAfterMs, 5 * 24 * 60 * 60 * 1000);
    assert.equal(config.claimLimit, 256);
    assert.equal(config.maxPerEndpoint, 16);
    assert.equal(config.schedule, DEFAULT_RETRY_SCHEDULE_MS);
  });

  it('a lease no longer than an attempt could let an attempt in flight be claimed twice', () => {
    assert.throws(() => dispatcherConfig({ ...base, attemptTimeoutMs: 1000, leaseMs: 1000 }), {
      name: 'RangeError',
      message: /leaseMs \(1000\) must be longer than attemptTimeoutMs/,
    });
    assert.equal(dispatcherConfig({ ...base, attemptTimeoutMs: 100 }).leaseMs, 30_100);
  });

  it('limits are positive integers', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => dispatcherConfig({ ...base, claimLimit: bad }), /claimLimit/);
      assert.throws(() => dispatcherConfig({ ...base, maxPerEndpoint: bad }), /maxPerEndpoint/);
    }
  });

  it('a lease needs an owner: the node id', () => {
    assert.throws(() => dispatcherConfig({ ...base, owner: '' }), /owner/);
    assert.equal(dispatcherConfig(base).owner, 'node_test');
  });
});
