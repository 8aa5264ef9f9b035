import { isIP } from 'node:net';

// `--sip udp:127.0.0.1:5060` / `--sip tcp:127.0.0.1:5060`: where the SIP agent listens.

export interface SipListenAddress {
  transport: 'udp' | 'tcp';
  host: string;
  port: number;
}

/**
 * Parses `udp:<ip>:<port>` or `tcp:<ip>:<port>` (`udp:[::1]:5060` for IPv6); throws with what to
 * write instead.
 */
export function parseSipListenAddress(text: string): SipListenAddress {
  const match = /^([a-z]+):(\[[0-9a-fA-F:.]+\]|[^:]+):(\d{1,5})$/.exec(text.trim());
  if (!match) {
    throw new Error(`'${text}' is not <transport>:<ip>:<port>, e.g. udp:127.0.0.1:5060`);
  }
  const [, transport, rawHost, rawPort] = match as unknown as [string, string, string, string];
  if (transport !== 'udp' && transport !== 'tcp') {
    throw new Error(
      `transport '${transport}' is not supported; use udp or tcp (e.g. udp:127.0.0.1:5060)`,
    );
  }
  const host = rawHost.replace(/^\[|\]$/g, '');
  if (isIP(host) === 0)
    throw new Error(`'${host}' is not an IP address (give the address to bind)`);
  const port = Number(rawPort);
  if (port > 65_535) throw new Error(`port ${port} is out of range (0-65535)`);
  return { transport, host, port };
}
