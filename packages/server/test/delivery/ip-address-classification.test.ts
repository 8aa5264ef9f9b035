import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyIp, embeddedIpv4, isPublicIp } from '../../src/delivery/ip-address-class.ts';

describe('IP address classification', () => {
  const table: [string, string][] = [
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.255', 'shared'],
    ['169.254.169.254', 'link_local'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['fc00::1', 'unique_local'],
    ['fd00::1', 'unique_local'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['198.18.0.1', 'benchmark'],
    ['198.19.255.255', 'benchmark'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['240.0.0.1', 'reserved'],
    ['2001:db8::1', 'documentation'],
    ['2001::1', 'reserved'], // Teredo
    ['100::1', 'reserved'], // discard-only, outside global unicast
    // IPv6 forms that carry an IPv4 address are judged by that address.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'link_local'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
  ];
  for (const [ip, kind] of table) {
    it(`${ip} is ${kind}`, () => {
      assert.equal(classifyIp(ip), kind);
      assert.equal(isPublicIp(ip), false);
    });
  }

  const publicAddresses = [
    '93.184.216.34',
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1', // just past 172.16/12
    '100.128.0.1', // just past 100.64/10
    '2606:4700::1111',
    '2001:4860:4860::8888',
    '::ffff:93.184.216.34',
    '64:ff9b::5db8:d822',
    '2002:5db8:d822::1',
  ];
  for (const ip of publicAddresses) {
    it(`${ip} is public`, () => assert.equal(classifyIp(ip), 'public'));
  }

  it('finds the IPv4 address carried by mapped, compatible, NAT64 and 6to4 forms', () => {
    assert.equal(embeddedIpv4('::ffff:7f00:1'), '127.0.0.1');
    assert.equal(embeddedIpv4('[::ffff:127.0.0.1]'), '127.0.0.1');
    assert.equal(embeddedIpv4('::a00:1'), '10.0.0.1');
    assert.equal(embeddedIpv4('64:ff9b::a9fe:a9fe'), '169.254.169.254');
    assert.equal(embeddedIpv4('2002:a00:1:5::9'), '10.0.0.1');
    assert.equal(embeddedIpv4('::1'), null);
    assert.equal(embeddedIpv4('::'), null);
    assert.equal(embeddedIpv4('2606:4700::1111'), null);
    assert.equal(embeddedIpv4('127.0.0.1'), null);
  });

  it('refuses text that is not an IP address with validation_error', () => {
    for (const text of ['example.com', '', '1.2.3', '::g']) {
      assert.throws(() => classifyIp(text), { code: 'validation_error' });
    }
  });
});
