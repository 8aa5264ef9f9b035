// SIP messages (RFC 3261 §7) as data: a request or a response, its headers by lower-case full
// name (compact forms are expanded at parse time), and its body as bytes.

interface SipMessageBase {
  /** Header name (lower case, full form) → values, in order of appearance. */
  headers: Map<string, string[]>;
  body: Buffer;
}

export interface SipRequest extends SipMessageBase {
  kind: 'request';
  method: string;
  uri: string;
}

export interface SipResponse extends SipMessageBase {
  kind: 'response';
  status: number;
  reason: string;
}

export type SipMessage = SipRequest | SipResponse;

/** The methods this user agent understands (the `Allow` header of its answers). */
export const ALLOWED_METHODS = [
  'INVITE',
  'ACK',
  'CANCEL',
  'BYE',
  'OPTIONS',
  'INFO',
  'UPDATE',
  'REGISTER',
] as const;

/** RFC 3261 §7.3.3 compact forms, and the few later RFCs added. */
export const COMPACT_HEADERS: Readonly<Record<string, string>> = {
  i: 'call-id',
  m: 'contact',
  e: 'content-encoding',
  l: 'content-length',
  c: 'content-type',
  f: 'from',
  s: 'subject',
  k: 'supported',
  t: 'to',
  v: 'via',
  o: 'event',
  u: 'allow-events',
  r: 'refer-to',
  b: 'referred-by',
  x: 'session-expires',
};

/** The first value of a header, or undefined. */
export function header(message: SipMessage, name: string): string | undefined {
  return message.headers.get(name)?.[0];
}

/** The CSeq header as number and method. */
export function cseqOf(message: SipMessage): { seq: number; method: string } {
  const [seq, method] = (header(message, 'cseq') ?? '').trim().split(/\s+/);
  return { seq: Number(seq), method: method ?? '' };
}

/** Standard reason phrases for the statuses this agent sends. */
export const REASONS: Readonly<Record<number, string>> = {
  100: 'Trying',
  180: 'Ringing',
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  415: 'Unsupported Media Type',
  481: 'Call/Transaction Does Not Exist',
  483: 'Too Many Hops',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  503: 'Service Unavailable',
  513: 'Message Too Large',
};
