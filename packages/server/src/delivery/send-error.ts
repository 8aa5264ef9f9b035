// Sorts the ways a delivery attempt can fail without an HTTP status into a few stable
// codes for the delivery log. Errors from undici and node arrive wrapped (`cause`) or
// bundled (AggregateError when several addresses were tried), so the whole chain is read.

export type SendErrorCode =
  | 'timeout'
  | 'connect_refused'
  | 'connection_reset'
  | 'forbidden_target'
  | 'dns'
  | 'tls'
  | 'other';

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'ETIMEOUT',
]);
const RESET_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'ECONNABORTED',
  'ERR_NO_FINAL_RESPONSE', // interim-responses.ts: a 100 Continue, then a close
]);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'ENODATA', 'ESERVFAIL']);
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** Every error in the chain: the error, its causes, and the members of AggregateErrors. */
function chain(error: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  const queue = [error];
  while (queue.length > 0 && out.length < 20) {
    const e = queue.shift();
    if (typeof e !== 'object' || e === null || out.includes(e)) continue;
    const like = e as ErrorLike;
    out.push(like);
    queue.push(like.cause);
    if (Array.isArray(like.errors)) queue.push(...like.errors);
  }
  return out;
}

function codeOf(e: ErrorLike): SendErrorCode | null {
  const code = typeof e.code === 'string' ? e.code : '';
  if (code === 'forbidden_target') return 'forbidden_target';
  if (e.name === 'TimeoutError' || TIMEOUT_CODES.has(code)) return 'timeout';
  if (code === 'ECONNREFUSED') return 'connect_refused';
  if (DNS_CODES.has(code)) return 'dns';
  if (TLS_CODE.test(code)) return 'tls';
  if (RESET_CODES.has(code)) return 'connection_reset';
  return null;
}

function messageOf(e: ErrorLike): string {
  return typeof e.message === 'string' && e.message !== '' ? e.message : String(e);
}

/**
 * The code and message of a failed attempt. `signal` is the attempt's deadline: once it
 * has fired, whatever error the abort surfaced as, the attempt timed out.
 */
export function classifySendError(
  error: unknown,
  signal?: AbortSignal,
): { code: SendErrorCode; message: string } {
  const errors = chain(error);
  // A refusal by the SSRF guard is reported as such wherever it sits in the chain.
  const refusal = errors.find((e) => e.code === 'forbidden_target');
  if (refusal) return { code: 'forbidden_target', message: messageOf(refusal) };
  if (signal?.aborted) {
    return { code: 'timeout', message: 'the attempt deadline passed' };
  }
  // The deepest cause wins over its wrappers (e.g. a SocketError caused by ECONNRESET).
  for (const e of [...errors].reverse()) {
    const code = codeOf(e);
    if (code !== null) return { code, message: messageOf(e) };
  }
  return { code: 'other', message: errors[0] ? messageOf(errors[0]) : String(error) };
}
