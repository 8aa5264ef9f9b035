import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { describe, it } from 'node:test';
import {
  type HostResolver,
  parseCidr,
  TargetPolicy,
  validateEndpointUrl,
} from '../../src/delivery/target-policy.ts';

/** A resolver with fixed answers, so no test asks a real DNS server. */
function fixedResolver(answers: Record<string, string[]>): HostResolver {
  return async (hostname) => {
    const addresses = answers[hostname];
    if (!addresses) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map(
      (address): LookupAddress => ({
        address,
        family: address.includes(':') ? 6 : 4,
      }),
    );
  };
}

const resolver = fixedResolver({
  'rebind.test': ['127.0.0.1'],
  'mixed.test': ['93.184.216.34', '10.0.0.7'],
  'public.test': ['93.184.216.34', '2606:4700::1111'],
  // `localhost` goes through the same resolver, as it would through the system's.
  localhost: ['127.0.0.1', '::1'],
});

const nonPublicUrls = [
  'http://127.0.0.1',
  'http://localhost',
  'http://10.0.0.1',
  'http://172.16.0.1',
  'http://192.168.1.1',
  'http://169.254.169.254/latest/meta-data/',
  'http://[::1]',
  'http://[::ffff:127.0.0.1]',
  'http://2130706433',
  'http://0x7f.1',
  'http://0177.0.0.1',
  'http://127.1',
  'http://100.64.0.1',
  'http://[fd00::1]',
  'http://[fe80::1]',
  'http://[64:ff9b::7f00:1]',
  'http://0.0.0.0:8080',
  'https://rebind.test/hook',
  'https://mixed.test/hook',
];

describe('endpoint URL validation (SSRF guard)', () => {
  it('WHATWG URL parsing turns numeric and hex hosts into dotted IPv4', () => {
    assert.equal(new URL('http://2130706433').hostname, '127.0.0.1');
    assert.equal(new URL('http://0x7f.1').hostname, '127.0.0.1');
  });

  for (const url of nonPublicUrls) {
    it(`refuses ${url} by default with forbidden_target`, async () => {
      await assert.rejects(validateEndpointUrl(url, new TargetPolicy(), resolver), {
        name: 'CallhookError',
        code: 'forbidden_target',
      });
    });
  }

  it('allows all of them with allowPrivateTargets', async () => {
    const policy = new TargetPolicy({ allowPrivateTargets: true });
    for (const url of nonPublicUrls) {
      const parsed = await validateEndpointUrl(url, policy, resolver);
      assert.equal(parsed.href, new URL(url).href);
    }
  });

  it('allowTargets allows only the listed ranges', async () => {
    const policy = new TargetPolicy({ allowTargets: ['127.0.0.0/8'] });
    const allowed = [
      'http://127.0.0.1:9000/hook',
      'http://127.0.0.2',
      'http://2130706433',
      'http://0x7f.1',
      'http://[::ffff:127.0.0.1]', // the same host, spelled as IPv4-mapped IPv6
      'http://rebind.test',
    ];
    for (const url of allowed) await validateEndpointUrl(url, policy, resolver);
    const refused = [
      'http://localhost', // resolves to ::1 as well, which is not in 127.0.0.0/8
      'http://10.0.0.1',
      'http://169.254.169.254',
      'http://[::1]',
      'http://[fd00::1]',
      'http://100.64.0.1',
      'http://0.0.0.0',
      'http://[64:ff9b::7f00:1]', // NAT64 reaches another host's 127.0.0.1, not ours
    ];
    for (const url of refused) {
      await assert.rejects(
        validateEndpointUrl(url, policy, resolver),
        { code: 'forbidden_target' },
        url,
      );
    }
  });

  it('allowTargets takes IPv6 ranges and bare addresses', async () => {
    const policy = new TargetPolicy({ allowTargets: ['fd00::/8', '10.0.0.1'] });
    await validateEndpointUrl('http://[fd00::1]', policy, resolver);
    await validateEndpointUrl('http://10.0.0.1', policy, resolver);
    await assert.rejects(validateEndpointUrl('http://10.0.0.2', policy, resolver), {
      code: 'forbidden_target',
    });
  });

  it('accepts public hosts and addresses', async () => {
    const policy = new TargetPolicy();
    for (const url of [
      'https://public.test/hook',
      'http://93.184.216.34/x',
      'https://[2606:4700::1111]:8443/',
    ]) {
      assert.equal((await validateEndpointUrl(url, policy, resolver)).href, new URL(url).href);
    }
  });

  it('refuses a host if any one of its addresses is forbidden', async () => {
    await assert.rejects(validateEndpointUrl('https://mixed.test', new TargetPolicy(), resolver), {
      code: 'forbidden_target',
      details: { address: '10.0.0.7', addressClass: 'private' },
    });
  });

  it('refuses schemes other than http and https', async () => {
    for (const url of ['ftp://public.test/x', 'file:///etc/passwd', 'gopher://public.test']) {
      await assert.rejects(validateEndpointUrl(url, new TargetPolicy(), resolver), {
        code: 'validation_error',
        message: /http or https/,
      });
    }
  });

  it('refuses credentials in the URL', async () => {
    for (const url of ['http://user:pass@public.test/', 'https://user@public.test/']) {
      await assert.rejects(validateEndpointUrl(url, new TargetPolicy(), resolver), {
        code: 'validation_error',
        message: /credentials/,
      });
    }
  });

  it('refuses text that is not a URL, and hosts that do not resolve', async () => {
    await assert.rejects(validateEndpointUrl('not a url', new TargetPolicy(), resolver), {
      code: 'validation_error',
    });
    await assert.rejects(validateEndpointUrl('http://nowhere.test', new TargetPolicy(), resolver), {
      code: 'validation_error',
      message: /cannot resolve host nowhere\.test/,
    });
  });

  it('checkAddress explains what to do', () => {
    assert.throws(() => new TargetPolicy().checkAddress('169.254.169.254'), {
      code: 'forbidden_target',
      message: /169\.254\.169\.254 is not a public address \(link_local\).*--allow-private-targets/,
    });
  });

  it('rejects malformed CIDRs in allowTargets with validation_error', () => {
    for (const cidr of ['10.0.0.0/33', 'fd00::/129', 'example.com/8', '10.0.0.0/', '1.2.3.4/8/8']) {
      assert.throws(() => new TargetPolicy({ allowTargets: [cidr] }), { code: 'validation_error' });
    }
    assert.deepEqual(parseCidr('10.0.0.0/8'), { network: '10.0.0.0', prefix: 8, family: 'ipv4' });
    assert.deepEqual(parseCidr('::1'), { network: '::1', prefix: 128, family: 'ipv6' });
  });
});
