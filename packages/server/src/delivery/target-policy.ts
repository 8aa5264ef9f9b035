// The SSRF guard (docs/contract.md §4): webhook URLs must not reach loopback, private,
// link-local or other non-public addresses unless the operator allows them. Checked when
// an endpoint is created (validateEndpointUrl) and again on every connect (guardedLookup),
// so a name that resolves to a public address at creation and to 127.0.0.1 later
// (DNS rebinding) is still refused.
import { promises as dns, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { CallhookError } from '../errors.ts';
import { bareIp, classifyIp, type IpAddressClass } from './ip-address-class.ts';

export interface TargetPolicyOptions {
  /** Allow every address, public or not (local development: `--allow-private-targets`). */
  allowPrivateTargets?: boolean;
  /** CIDRs (or single addresses) allowed even though they are not public, e.g. `10.1.0.0/16`. */
  allowTargets?: readonly string[];
}

/** Resolves a host name to every address it has (like `dns.promises.lookup(name, { all: true })`). */
export type HostResolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: HostResolver = (hostname) => dns.lookup(hostname, { all: true });

interface Cidr {
  network: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** Parses `a.b.c.d/n`, `v6::/n` or a bare address; throws `validation_error` otherwise. */
export function parseCidr(text: string): Cidr {
  const [rawNetwork = '', rawPrefix, extra] = text.trim().split('/');
  const network = bareIp(rawNetwork);
  const version = isIP(network);
  const max = version === 4 ? 32 : 128;
  const prefix = rawPrefix === undefined ? max : Number(rawPrefix);
  const prefixOk = rawPrefix === undefined || /^\d{1,3}$/.test(rawPrefix);
  if (version === 0 || extra !== undefined || !prefixOk || prefix > max) {
    throw new CallhookError(
      'validation_error',
      `"${text}" is not a CIDR; write it like 10.0.0.0/8 or fd00::/8`,
      { cidr: text },
    );
  }
  return { network, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** Addresses whose verdict is remembered; past this the memo starts again (a bound, not an LRU). */
const MAX_VERDICTS = 4096;

export class TargetPolicy {
  readonly allowPrivateTargets: boolean;
  readonly allowTargets: readonly string[];
  private readonly allowed = new BlockList();
  /** Verdicts by address text: every attempt checks its endpoint's address, and a policy never changes. */
  private readonly verdicts = new Map<string, IpAddressClass | null>();

  constructor(options: TargetPolicyOptions = {}) {
    this.allowPrivateTargets = options.allowPrivateTargets ?? false;
    this.allowTargets = [...(options.allowTargets ?? [])];
    for (const text of this.allowTargets) {
      const { network, prefix, family } = parseCidr(text);
      this.allowed.addSubnet(network, prefix, family);
    }
  }

  /** Why `ip` is refused, or null when it may be dialled. */
  refusal(ip: string): IpAddressClass | null {
    let verdict = this.verdicts.get(ip);
    if (verdict === undefined) {
      verdict = this.judge(ip);
      if (this.verdicts.size >= MAX_VERDICTS) this.verdicts.clear();
      this.verdicts.set(ip, verdict);
    }
    return verdict;
  }

  private judge(ip: string): IpAddressClass | null {
    const kind = classifyIp(ip);
    if (kind === 'public' || this.allowPrivateTargets) return null;
    const text = bareIp(ip);
    // BlockList also matches IPv4-mapped IPv6 (::ffff:a.b.c.d) against IPv4 ranges.
    if (this.allowed.check(text, isIP(text) === 4 ? 'ipv4' : 'ipv6')) return null;
    return kind;
  }

  isAllowed(ip: string): boolean {
    return this.refusal(ip) === null;
  }

  /** Throws `forbidden_target` unless `ip` may be dialled. */
  checkAddress(ip: string): void {
    const kind = this.refusal(ip);
    if (kind === null) return;
    throw new CallhookError(
      'forbidden_target',
      `webhook target ${bareIp(ip)} is not a public address (${kind}); ` +
        'run the server with --allow-private-targets or allow its CIDR to deliver there',
      { address: bareIp(ip), addressClass: kind },
    );
  }
}

/**
 * Checks an endpoint URL before it is stored: http or https only, no credentials, and
 * every address its host resolves to allowed by `policy`. Returns the parsed URL.
 * WHATWG URL parsing turns `http://2130706433` and `http://0x7f.1` into 127.0.0.1
 * first, so those spellings are judged as the address they really are.
 */
export async function validateEndpointUrl(
  url: string,
  policy: TargetPolicy,
  resolve: HostResolver = systemResolver,
): Promise<URL> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CallhookError('validation_error', `"${url}" is not a valid URL`, { url });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new CallhookError(
      'validation_error',
      `endpoint URLs must be http or https, not ${parsed.protocol.slice(0, -1)}`,
      { url },
    );
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new CallhookError(
      'validation_error',
      'endpoint URLs must not carry credentials; authenticate receivers by the webhook signature',
      { url: `${parsed.protocol}//${parsed.host}${parsed.pathname}` },
    );
  }
  for (const address of await resolveHost(parsed.hostname, resolve)) policy.checkAddress(address);
  return parsed;
}

async function resolveHost(hostname: string, resolve: HostResolver): Promise<string[]> {
  const host = bareIp(hostname);
  if (isIP(host) !== 0) return [host];
  let found: LookupAddress[];
  try {
    found = await resolve(host);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CallhookError('validation_error', `cannot resolve host ${host} (${reason})`, {
      host,
    });
  }
  if (found.length === 0) {
    throw new CallhookError('validation_error', `host ${host} has no addresses`, { host });
  }
  return found.map((a) => a.address);
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** The shape of `net.connect`'s `lookup` option (also what undici's `connect.lookup` takes). */
export type ConnectLookup = (
  hostname: string,
  options: LookupOptions,
  callback: LookupCallback,
) => void;

/**
 * A `lookup` for `net.connect` (undici `connect: { lookup }`) that resolves the host and
 * refuses, with a `forbidden_target` error, if any address it would dial is not allowed.
 * Node skips `lookup` for IP literals, so callers must check those with `checkAddress`.
 */
export function guardedLookup(
  policy: TargetPolicy,
  resolve: HostResolver = systemResolver,
): ConnectLookup {
  return (hostname, options, callback) => {
    const fail = (error: NodeJS.ErrnoException) => callback(error, '');
    resolve(hostname).then((found) => {
      const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
      const usable = found.filter((a) => wanted === 0 || a.family === wanted);
      try {
        for (const a of usable) policy.checkAddress(a.address);
      } catch (error) {
        return fail(error as CallhookError);
      }
      const first = usable[0];
      if (first === undefined) {
        const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        error.code = 'ENOTFOUND';
        return fail(error);
      }
      if (options.all) callback(null, usable);
      else callback(null, first.address, first.family);
    }, fail);
  };
}
