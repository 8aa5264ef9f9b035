// Lets the sender take a receiver's interim (1xx) responses the way HTTP says a client must:
// "A client MUST be able to parse one or more 1xx responses received prior to a final
// response, even if the client does not expect one. A user agent MAY ignore unexpected 1xx
// responses." (RFC 9110 §15.2). undici's HTTP/1.1 client (7.x and 8.x alike) destroys the
// socket with `SocketError: bad response` on any `100 Continue` (client-h1.js,
// `onHeadersComplete`: `if (statusCode === 100) util.destroy(socket, …)`), before any handler
// or interceptor sees it, and it has no option to allow it. So interim responses are removed
// from the bytes undici reads, on each connection, by the connector: undici never sees them.
//
// Where a response starts is known without parsing bodies because undici sends one request
// at a time per connection (pipelining 1) and writes a request's head and (string) body in
// one go: the first bytes read after a request is written begin that request's response.
import type { Socket } from 'node:net';
import { buildConnector } from 'undici';

/** An interim head longer than this is handed on as is; undici's own header limit rejects it. */
const MAX_INTERIM_HEAD = 16 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');
/** `HTTP/1.x 1dd` and the space or CR after the code: enough to tell a 1xx status line. */
const STATUS_PREFIX = 13;

/**
 * The byte-level rule: at the start of a response, whole interim heads (status 1xx other
 * than 101, up to their blank line) are dropped; everything else passes unchanged.
 */
export class InterimResponseSkipper {
  private atResponseStart = true;
  private held: Buffer = Buffer.alloc(0);
  /** Interim responses dropped on this connection. */
  skipped = 0;
  /** Interim responses dropped since the current request was written. */
  private skippedForRequest = 0;

  /** A request is being written: what is read next starts its response. */
  requestStarted(): void {
    if (!this.atResponseStart) this.skippedForRequest = 0;
    this.atResponseStart = true;
  }

  /** How many interim responses came for the current request with no final one after them. */
  interimOnly(): number {
    return this.atResponseStart && this.held.length === 0 ? this.skippedForRequest : 0;
  }

  /** Bytes read from the connection → the bytes undici should read. */
  accept(chunk: Buffer): Buffer[] {
    if (!this.atResponseStart) return [chunk];
    let pending = this.held.length === 0 ? chunk : Buffer.concat([this.held, chunk]);
    this.held = Buffer.alloc(0);
    while (pending.length > 0) {
      const kind = statusKind(pending);
      if (kind === 'unknown') {
        this.held = pending;
        return [];
      }
      if (kind === 'final') return this.passOn(pending);
      const end = pending.indexOf(HEAD_END);
      if (end === -1) {
        if (pending.length > MAX_INTERIM_HEAD) return this.passOn(pending);
        this.held = pending;
        return [];
      }
      this.skipped += 1;
      this.skippedForRequest += 1;
      pending = pending.subarray(end + HEAD_END.length);
    }
    return [];
  }

  /** The connection ended: whatever was held goes to undici, which reports it. */
  end(): Buffer | null {
    const rest = this.held;
    this.held = Buffer.alloc(0);
    return rest.length > 0 ? rest : null;
  }

  private passOn(bytes: Buffer): Buffer[] {
    this.atResponseStart = false;
    return [bytes];
  }
}

/** Whether the bytes begin an interim status line, a final one (or anything else), or cannot tell yet. */
function statusKind(bytes: Buffer): 'interim' | 'final' | 'unknown' {
  const seen = bytes.subarray(0, STATUS_PREFIX).toString('latin1');
  if (!fitsInterimPrefix(seen)) return 'final';
  if (seen.length < STATUS_PREFIX) return 'unknown';
  // 101 Switching Protocols is not interim for this client (it never asks to upgrade).
  return seen.slice(9, 12) === '101' ? 'final' : 'interim';
}

/** `HTTP/1.0 1dd ` or `HTTP/1.1 1dd\r`, as far as `seen` goes. */
function fitsInterimPrefix(seen: string): boolean {
  const rules: ((c: string) => boolean)[] = [
    ...[...'HTTP/1.'].map((want) => (c: string) => c === want),
    (c) => c === '0' || c === '1',
    (c) => c === ' ',
    (c) => c === '1',
    isDigit,
    isDigit,
    (c) => c === ' ' || c === '\r',
  ];
  for (let i = 0; i < seen.length; i += 1) if (!rules[i]!(seen[i]!)) return false;
  return true;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/**
 * Routes what the socket reads through a skipper: `push` is where net (and tls) hand the
 * stream each chunk read from the connection, and `write` is where undici starts a request.
 */
export function skipInterimResponses(socket: Socket): InterimResponseSkipper {
  const skipper = new InterimResponseSkipper();
  const push = socket.push.bind(socket);
  socket.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    const interimOnly = chunk === null ? skipper.interimOnly() : 0;
    if (interimOnly > 0) {
      // undici would say only "other side closed"; say what the receiver did.
      socket.destroy(new NoFinalResponseError(interimOnly));
      return false;
    }
    if (chunk === null) {
      const rest = skipper.end();
      if (rest) push(rest);
      return push(null);
    }
    if (!Buffer.isBuffer(chunk)) return push(chunk, encoding);
    let wantMore = true;
    for (const part of skipper.accept(chunk)) wantMore = push(part);
    return wantMore;
  };
  const write = socket.write;
  socket.write = function (this: Socket, ...args: unknown[]) {
    skipper.requestStarted();
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as Socket['write'];
  return skipper;
}

/** The receiver closed the connection after interim responses, before the final one. */
export class NoFinalResponseError extends Error {
  readonly code = 'ERR_NO_FINAL_RESPONSE';
  constructor(interimResponses: number) {
    super(
      `the receiver closed the connection after ${interimResponses} interim (1xx) ` +
        `response${interimResponses === 1 ? '' : 's'}, without a final response`,
    );
    this.name = 'NoFinalResponseError';
  }
}

/** undici's connector with the same options, whose sockets skip interim responses. */
export function connectorSkippingInterimResponses(
  options: buildConnector.BuildOptions,
): buildConnector.connector {
  const connect = buildConnector(options);
  return (opts, callback) =>
    connect(opts, (...result) => {
      if (result[0] === null) skipInterimResponses(result[1]);
      callback(...result);
    });
}
