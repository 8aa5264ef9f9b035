import { hasParam } from './sip-headers.ts';
import { header, REASONS, type SipMessage, type SipRequest } from './sip-message.ts';

// Writing messages: full header names in a fixed, readable order, Content-Length always.

const CANONICAL: Readonly<Record<string, string>> = {
  via: 'Via',
  from: 'From',
  to: 'To',
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  contact: 'Contact',
  'max-forwards': 'Max-Forwards',
  'content-type': 'Content-Type',
  'content-length': 'Content-Length',
  allow: 'Allow',
  accept: 'Accept',
  'retry-after': 'Retry-After',
  'user-agent': 'User-Agent',
  server: 'Server',
  supported: 'Supported',
  'www-authenticate': 'WWW-Authenticate',
  expires: 'Expires',
};

function headerName(lower: string): string {
  return (
    CANONICAL[lower] ?? lower.replace(/(^|-)([a-z])/g, (_m, dash, c) => dash + c.toUpperCase())
  );
}

export function serializeSipMessage(message: SipMessage): Buffer {
  const start =
    message.kind === 'request'
      ? `${message.method} ${message.uri} SIP/2.0`
      : `SIP/2.0 ${message.status} ${message.reason}`;
  const lines = [start];
  for (const [name, values] of message.headers) {
    if (name === 'content-length') continue;
    for (const value of values) lines.push(`${headerName(name)}: ${value}`);
  }
  lines.push(`Content-Length: ${message.body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), message.body]);
}

export interface ResponseOptions {
  /** Added to To when the request's To has no tag (every answer but 100 Trying). */
  toTag?: string;
  /** Extra headers (lower-case names). */
  headers?: Record<string, string>;
  body?: { contentType: string; data: Buffer };
  /** The request's source, written into the top Via as received/rport (RFC 3581). */
  source?: { address: string; port: number };
}

/** A response to `request` (RFC 3261 §8.2.6): Via, From, To, Call-ID and CSeq copied. */
export function responseTo(
  request: SipRequest,
  status: number,
  options: ResponseOptions = {},
): SipMessage {
  const headers = new Map<string, string[]>();
  const vias = [...(request.headers.get('via') ?? [])];
  if (options.source && vias[0]) vias[0] = stampVia(vias[0], options.source);
  headers.set('via', vias);
  headers.set('from', [header(request, 'from') ?? '']);
  let to = header(request, 'to') ?? '';
  if (options.toTag && status > 100 && !/;\s*tag=/i.test(to)) to += `;tag=${options.toTag}`;
  headers.set('to', [to]);
  headers.set('call-id', [header(request, 'call-id') ?? '']);
  headers.set('cseq', [header(request, 'cseq') ?? '']);
  for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, [value]);
  if (options.body) headers.set('content-type', [options.body.contentType]);
  return {
    kind: 'response',
    status,
    reason: REASONS[status] ?? 'Unknown',
    headers,
    body: options.body?.data ?? Buffer.alloc(0),
  };
}

/** `received=` always, `rport=` when the client asked for it (RFC 3581). */
function stampVia(via: string, source: { address: string; port: number }): string {
  const semicolon = via.indexOf(';');
  const params = semicolon < 0 ? '' : via.slice(semicolon);
  let stamped = via;
  if (hasParam(params, 'rport')) {
    stamped = stamped.replace(/;\s*rport(?!=)/i, `;rport=${source.port}`);
  }
  return `${stamped};received=${source.address}`;
}
