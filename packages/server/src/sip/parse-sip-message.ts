import { COMPACT_HEADERS, type SipMessage, type SipRequest } from './sip-message.ts';

// RFC 3261 §7 message parsing, strict where a mistake would change meaning (start line,
// Content-Length, the headers a transaction is matched on) and lenient where peers differ
// harmlessly (LF-only line ends, folded headers, header name case, compact forms).

export type SipParseErrorCode =
  | 'too_large'
  | 'no_header_end'
  | 'bad_start_line'
  | 'bad_header'
  | 'missing_header'
  | 'bad_content_length';

export class SipParseError extends Error {
  readonly code: SipParseErrorCode;

  constructor(code: SipParseErrorCode, message: string) {
    super(message);
    this.name = 'SipParseError';
    this.code = code;
  }
}

export type ParseResult =
  | { ok: true; message: SipMessage }
  /**
   * `request` is set when the start line and the headers a response is built from (Via, From,
   * To, Call-ID, CSeq) were read: the request is bad, but a 4xx can still be sent for it.
   */
  | { ok: false; error: SipParseError; request?: SipRequest };

/** Headers every request and response must have (RFC 3261 §8.1.1). */
const REQUIRED = ['via', 'from', 'to', 'call-id', 'cseq'] as const;
const TOKEN = /^[A-Za-z0-9.!%*_+`'~-]+$/;
const HEADER_NAME = /^[A-Za-z0-9.!%*_+`'~-]+$/;

/** Parses one datagram (or one framed stream message) of at most `maxBytes`. */
export function parseSipMessage(data: Buffer, maxBytes: number): ParseResult {
  const headEnd = findHeadEnd(data);
  if (headEnd === null) {
    return fail('no_header_end', 'no empty line ends the headers');
  }
  const head = data.subarray(0, headEnd.at).toString('utf8');
  const lines = unfold(head.split(/\r?\n/));
  const startLine = lines.shift() ?? '';
  const start = parseStartLine(startLine);
  if (!start) return fail('bad_start_line', `not a SIP start line: ${clip(startLine)}`);

  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    const rawName = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!HEADER_NAME.test(rawName)) {
      return fail('bad_header', `malformed header line: ${clip(line)}`);
    }
    const lower = rawName.toLowerCase();
    const name = COMPACT_HEADERS[lower] ?? lower;
    const value = line.slice(colon + 1).trim();
    const values = name === 'via' ? splitTopLevel(value) : [value];
    const list = headers.get(name);
    if (list) list.push(...values);
    else headers.set(name, values);
  }
  const body = data.subarray(headEnd.bodyAt);
  const message: SipMessage =
    start.kind === 'request'
      ? { kind: 'request', method: start.method, uri: start.uri, headers, body }
      : { kind: 'response', status: start.status, reason: start.reason, headers, body };
  const missing = REQUIRED.filter((h) => !headers.get(h)?.[0]);
  if (missing.length > 0) {
    return fail('missing_header', `missing ${missing.join(', ')}`);
  }
  const respondable = message.kind === 'request' ? message : undefined;
  if (!/^\d+\s+[A-Za-z]+$/.test(headers.get('cseq')![0]!)) {
    return fail('bad_header', 'CSeq must be "<number> <method>"', respondable);
  }
  if (data.length > maxBytes) {
    return fail(
      'too_large',
      `message of ${data.length} bytes, the limit is ${maxBytes}`,
      respondable,
    );
  }
  const lengthValue = headers.get('content-length')?.[0];
  if (lengthValue !== undefined) {
    if (!/^\d{1,9}$/.test(lengthValue)) {
      return fail(
        'bad_content_length',
        `Content-Length is not a number: ${lengthValue}`,
        respondable,
      );
    }
    const length = Number(lengthValue);
    // A datagram shorter than its Content-Length was cut on the way (RFC 3261 §18.3).
    if (length > body.length) {
      return fail(
        'bad_content_length',
        `Content-Length ${length} but only ${body.length} bytes of body`,
        respondable,
      );
    }
    message.body = body.subarray(0, length);
  }
  return { ok: true, message };
}

function fail(code: SipParseErrorCode, message: string, request?: SipRequest): ParseResult {
  return { ok: false, error: new SipParseError(code, message), ...(request && { request }) };
}

function findHeadEnd(data: Buffer): { at: number; bodyAt: number } | null {
  const crlf = data.indexOf('\r\n\r\n');
  const lf = data.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { at: crlf, bodyAt: crlf + 4 };
  if (lf >= 0) return { at: lf, bodyAt: lf + 2 };
  return null;
}

/** Joins continuation lines (starting with space or tab) to the header before them. */
function unfold(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && out.length > 1) out[out.length - 1] += ` ${line.trim()}`;
    else if (line !== '') out.push(line);
  }
  return out;
}

type StartLine =
  | { kind: 'request'; method: string; uri: string }
  | { kind: 'response'; status: number; reason: string };

function parseStartLine(line: string): StartLine | null {
  const response = /^SIP\/2\.0 ([1-6]\d\d) ?(.*)$/.exec(line);
  if (response) return { kind: 'response', status: Number(response[1]), reason: response[2]! };
  const parts = line.split(' ');
  if (parts.length !== 3 || parts[2] !== 'SIP/2.0') return null;
  const [method, uri] = parts as [string, string];
  if (!TOKEN.test(method) || !/^sips?:\S+$/i.test(uri)) return null;
  return { kind: 'request', method, uri };
}

/** Splits `a, b, "c, d"` at commas outside quotes and angle brackets. */
function splitTopLevel(value: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  let angle = 0;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '<') angle += 1;
    else if (!quoted && ch === '>') angle = Math.max(0, angle - 1);
    if (ch === ',' && !quoted && angle === 0) {
      if (current.trim()) out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
