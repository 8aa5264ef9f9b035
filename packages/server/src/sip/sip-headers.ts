// Reading the structured headers this agent routes on: From/To (name-addr with tag), Via
// (sent-by and branch), and URIs' user parts.

export interface NameAddr {
  /** The URI inside `<…>`, or the bare URI. */
  uri: string;
  /** The URI's user part, percent-decoded; '' when it has none. */
  user: string;
  tag: string | undefined;
}

/** `"Alice" <sip:alice@host>;tag=1` or `sip:alice@host;tag=1`. */
export function parseNameAddr(value: string): NameAddr | null {
  let uri: string;
  let params: string;
  const open = value.indexOf('<');
  if (open >= 0) {
    const close = value.indexOf('>', open);
    if (close < 0) return null;
    uri = value.slice(open + 1, close).trim();
    params = value.slice(close + 1);
  } else {
    const semicolon = value.indexOf(';');
    uri = (semicolon < 0 ? value : value.slice(0, semicolon)).trim();
    params = semicolon < 0 ? '' : value.slice(semicolon);
  }
  if (!/^sips?:/i.test(uri)) return null;
  const tag = paramOf(params, 'tag');
  return { uri, user: uriUser(uri), tag };
}

/** The user part of a sip:/sips: URI, percent-decoded ('' when there is none or it is bad). */
export function uriUser(uri: string): string {
  const rest = uri.replace(/^sips?:/i, '');
  const at = rest.indexOf('@');
  if (at < 0) return '';
  const userinfo = rest.slice(0, at);
  const user = userinfo.split(':')[0] ?? ''; // drop a password
  try {
    return decodeURIComponent(user);
  } catch {
    return '';
  }
}

export interface Via {
  transport: string;
  /** host[:port] as sent. */
  sentBy: string;
  branch: string | undefined;
  /** The whole header value, to copy into responses. */
  raw: string;
}

/** `SIP/2.0/UDP host:port;branch=z9hG4bK…;rport`. */
export function parseVia(value: string): Via | null {
  const match = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+([^;\s]+)\s*(.*)$/i.exec(value);
  if (!match) return null;
  return {
    transport: match[1]!.toUpperCase(),
    sentBy: match[2]!.toLowerCase(),
    branch: paramOf(match[3]!, 'branch'),
    raw: value,
  };
}

/** `;name=value` out of a parameter list (names compare case-insensitively). */
export function paramOf(params: string, name: string): string | undefined {
  for (const part of params.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key?.toLowerCase() === name) return rest.join('=').trim().replace(/^"|"$/g, '');
  }
  return undefined;
}

/** A parameter without value present (`;rport`)? */
export function hasParam(params: string, name: string): boolean {
  return params.split(';').some((p) => p.trim().split('=')[0]?.toLowerCase() === name);
}
