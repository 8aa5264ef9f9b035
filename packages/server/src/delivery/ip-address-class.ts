// Which kind of address an IP is, for the SSRF guard (docs/contract.md §4): only `public`
// addresses are webhook targets by default. IPv6 forms that carry an IPv4 address
// (mapped, compatible, NAT64, 6to4) are judged by the IPv4 address they carry, since
// that is where the packets end up.
import { BlockList, isIP } from 'node:net';
import { CallhookError } from '../errors.ts';

export type IpAddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'shared' // carrier-grade NAT, 100.64/10
  | 'link_local'
  | 'unique_local'
  | 'multicast'
  | 'unspecified'
  | 'broadcast'
  | 'documentation'
  | 'benchmark'
  | 'reserved';

type Range = readonly [cidr: string, kind: Exclude<IpAddressClass, 'public'>];

// First match wins: narrower ranges come before the ranges that contain them.
const IPV4_RANGES: readonly Range[] = [
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'shared'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link_local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmark'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', 'reserved'],
];

// Checked after the IPv4-carrying forms are unwrapped. Anything outside 2000::/3 (global
// unicast) that is not listed here is `reserved` too.
const IPV6_RANGES: readonly Range[] = [
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['fe80::/10', 'link_local'],
  ['fc00::/7', 'unique_local'],
  ['ff00::/8', 'multicast'],
  ['2001:db8::/32', 'documentation'],
  ['3fff::/20', 'documentation'],
  ['2001:2::/48', 'benchmark'],
  ['2001::/23', 'reserved'], // IETF protocol assignments, Teredo among them
];

interface CompiledRange {
  list: BlockList;
  kind: Exclude<IpAddressClass, 'public'>;
}

function compile(ranges: readonly Range[], family: 'ipv4' | 'ipv6'): CompiledRange[] {
  return ranges.map(([cidr, kind]) => {
    const [network, prefix] = cidr.split('/') as [string, string];
    const list = new BlockList();
    list.addSubnet(network, Number(prefix), family);
    return { list, kind };
  });
}

const V4 = compile(IPV4_RANGES, 'ipv4');
const V6 = compile(IPV6_RANGES, 'ipv6');
const GLOBAL_UNICAST = new BlockList();
GLOBAL_UNICAST.addSubnet('2000::', 3, 'ipv6');

/** Strips URL brackets and an IPv6 zone (`%eth0`), which say nothing about the range. */
export function bareIp(ip: string): string {
  let text = ip.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  return zone === -1 ? text : text.slice(0, zone);
}

/** The eight 16-bit groups of a valid IPv6 address (dotted IPv4 tail allowed). */
function ipv6Groups(ip: string): number[] {
  let text = ip;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const octets = text
      .slice(lastColon + 1)
      .split('.')
      .map(Number);
    tail.push(
      ((octets[0] ?? 0) << 8) | (octets[1] ?? 0),
      ((octets[2] ?? 0) << 8) | (octets[3] ?? 0),
    );
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head = '', rest] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  const groups = [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  if (tail.length === 2) groups.splice(6, 2, ...tail);
  return groups;
}

function v4FromGroups(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/**
 * The IPv4 address an IPv6 address carries, if it is one of the forms that route to it:
 * IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16.
 */
export function embeddedIpv4(ip: string): string | null {
  const text = bareIp(ip);
  if (isIP(text) !== 6) return null;
  const g = ipv6Groups(text);
  const at = (i: number) => g[i] ?? 0;
  const zeroBefore = (n: number) => g.slice(0, n).every((x) => x === 0);
  const low32 = v4FromGroups(at(6), at(7));
  if (zeroBefore(5) && at(5) === 0xffff) return low32; // mapped
  if (zeroBefore(6) && !(at(6) === 0 && at(7) <= 1)) return low32; // compatible, not :: or ::1
  if (at(0) === 0x64 && at(1) === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return low32;
  if (at(0) === 0x2002) return v4FromGroups(at(1), at(2)); // 6to4
  return null;
}

/** Classifies an IPv4 or IPv6 address. Throws `validation_error` for text that is not an IP. */
export function classifyIp(ip: string): IpAddressClass {
  const text = bareIp(ip);
  const family = isIP(text);
  if (family === 4) return V4.find((r) => r.list.check(text, 'ipv4'))?.kind ?? 'public';
  if (family !== 6) {
    throw new CallhookError('validation_error', `"${ip}" is not an IP address`, { address: ip });
  }
  const carried = embeddedIpv4(text);
  if (carried !== null) return classifyIp(carried);
  const kind = V6.find((r) => r.list.check(text, 'ipv6'))?.kind;
  if (kind) return kind;
  return GLOBAL_UNICAST.check(text, 'ipv6') ? 'public' : 'reserved';
}

export function isPublicIp(ip: string): boolean {
  return classifyIp(ip) === 'public';
}
