import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { describe, it } from 'node:test';
import {
  guardedLookup,
  type HostResolver,
  TargetPolicy,
  validateEndpointUrl,
} from '../../src/delivery/target-policy.ts';
import { WebhookSender } from '../../src/delivery/webhook-sender.ts';
import { startLoopbackServer } from './loopback-server.ts';

/** Answers a public address the first time and 127.0.0.1 after that: DNS rebinding. */
function rebindingResolver(): HostResolver {
  let calls = 0;
  return async () => {
    calls += 1;
    const address = calls === 1 ? '93.184.216.34' : '127.0.0.1';
    return [{ address, family: 4 }];
  };
}

describe('SSRF guard at connect time (DNS rebinding)', () => {
  it('a name that passed validation but now resolves to loopback is refused at connect', async (t) => {
    const server = await startLoopbackServer((_req, res) => res.end('should not be reached'));
    const resolve = rebindingResolver();
    const policy = new TargetPolicy();
    const sender = new WebhookSender({ version: '0.0.0', policy, resolve });
    t.after(async () => {
      await sender.close();
      await server.close();
    });
    // Validation sees the public address (and connects nowhere).
    const url = await validateEndpointUrl(
      `http://rebind.test:${server.port}/hook`,
      policy,
      resolve,
    );
    const result = await sender.send({ url, headers: {}, body: '{}' });
    assert.equal(result.ok, false);
    assert.equal(result.statusCode, null);
    assert.equal(result.error?.code, 'forbidden_target');
    assert.match(result.error?.message ?? '', /127\.0\.0\.1 is not a public address/);
    assert.equal(server.connections, 0);
    assert.equal(server.requests.length, 0);
  });

  it('an IP literal the policy forbids is refused before connecting', async (t) => {
    const server = await startLoopbackServer((_req, res) => res.end());
    const sender = new WebhookSender({ version: '0.0.0', policy: new TargetPolicy() });
    t.after(async () => {
      await sender.close();
      await server.close();
    });
    for (const url of [server.url, `http://[::ffff:127.0.0.1]:${server.port}`]) {
      const result = await sender.send({ url, headers: {}, body: '{}' });
      assert.equal(result.error?.code, 'forbidden_target', url);
    }
    assert.equal(server.connections, 0);
  });

  it('the same name is delivered to when the policy allows loopback', async (t) => {
    const server = await startLoopbackServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    const sender = new WebhookSender({
      version: '0.0.0',
      policy: new TargetPolicy({ allowTargets: ['127.0.0.0/8'] }),
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    t.after(async () => {
      await sender.close();
      await server.close();
    });
    const result = await sender.send({
      url: `http://rebind.test:${server.port}/`,
      headers: {},
      body: '{}',
    });
    assert.equal(result.ok, true);
    assert.equal(server.requests[0]?.headers.host, `rebind.test:${server.port}`);
  });

  it('guardedLookup answers in both shapes net.connect asks for, and refuses if any address is forbidden', async () => {
    const resolve: HostResolver = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:4700::1111', family: 6 },
    ];
    const lookup = guardedLookup(new TargetPolicy(), resolve);
    const ask = (options: { all?: boolean; family?: number }) =>
      new Promise<unknown[]>((done) => lookup('x.test', options, (...args) => done(args)));
    assert.deepEqual(await ask({}), [null, '93.184.216.34', 4]);
    assert.deepEqual(await ask({ family: 6 }), [null, '2606:4700::1111', 6]);
    const [error, all] = (await ask({ all: true })) as [null, LookupAddress[]];
    assert.equal(error, null);
    assert.equal(all.length, 2);

    const mixed = guardedLookup(new TargetPolicy(), async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '169.254.169.254', family: 4 },
    ]);
    const [refusal] = await new Promise<unknown[]>((done) =>
      mixed('x.test', { all: true }, (...args) => done(args)),
    );
    assert.equal((refusal as { code: string }).code, 'forbidden_target');
  });
});
