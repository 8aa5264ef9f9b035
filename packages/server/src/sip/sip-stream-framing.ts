// RFC 3261 §18.3: on a stream transport a message ends where its Content-Length says, so the
// header section is read up to its empty line and then exactly Content-Length bytes of body.
// CRLFs between messages are keep-alives (RFC 5626 §3.5.1) and skipped. A stream whose framing
// cannot be trusted — no Content-Length, a malformed or conflicting one, a header section or
// a message over the limit — cannot be resynchronised: the framer reports it once and stops.

export type FramingErrorReason = 'too_large' | 'malformed';

export type Framed =
  | { kind: 'message'; data: Buffer }
  /** `head`: the header section read so far (to answer 400 / 513 to, when it parses). */
  | { kind: 'error'; reason: FramingErrorReason; detail: string; head: Buffer };

const CONTENT_LENGTH = /^(?:content-length|l)[ \t]*:[ \t]*([^\r\n]*?)[ \t]*\r?$/gim;

export class SipStreamFramer {
  private buffered: Buffer = Buffer.alloc(0);
  private failed = false;

  constructor(private readonly maxMessageBytes: number) {}

  /** Takes the next bytes of the stream; returns the messages (and an error) they complete. */
  push(chunk: Buffer): Framed[] {
    if (this.failed) return [];
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const out: Framed[] = [];
    for (;;) {
      this.skipKeepAlives();
      const next = this.next();
      if (next === null) break;
      out.push(next);
      if (next.kind === 'error') {
        this.failed = true;
        this.buffered = Buffer.alloc(0);
        break;
      }
    }
    return out;
  }

  /** Bytes held for a message not yet complete. */
  get pendingBytes(): number {
    return this.buffered.length;
  }

  private skipKeepAlives(): void {
    let i = 0;
    while (i < this.buffered.length && (this.buffered[i] === 0x0d || this.buffered[i] === 0x0a)) {
      i++;
    }
    if (i > 0) this.buffered = this.buffered.subarray(i);
  }

  private next(): Framed | null {
    const data = this.buffered;
    const end = headEnd(data);
    if (end === null) {
      if (data.length > this.maxMessageBytes) {
        return this.error(
          'too_large',
          `no end of headers in ${data.length} bytes`,
          data.subarray(0, 0),
        );
      }
      return null;
    }
    const head = data.subarray(0, end);
    const values = [...head.toString('latin1').matchAll(CONTENT_LENGTH)].map((m) => m[1]!);
    if (values.length === 0) {
      return this.error('malformed', 'Content-Length is required over a stream transport', head);
    }
    if (new Set(values).size > 1 || !/^\d{1,9}$/.test(values[0]!)) {
      return this.error('malformed', `bad Content-Length: ${values.join(', ')}`, head);
    }
    const total = end + Number(values[0]);
    if (total > this.maxMessageBytes) {
      return this.error(
        'too_large',
        `message of ${total} bytes, the limit is ${this.maxMessageBytes}`,
        head,
      );
    }
    if (data.length < total) return null;
    this.buffered = data.subarray(total);
    // A copy: the message may be kept (a transaction's request) after the buffer is reused.
    return { kind: 'message', data: Buffer.from(data.subarray(0, total)) };
  }

  private error(reason: FramingErrorReason, detail: string, head: Buffer): Framed {
    return { kind: 'error', reason, detail, head: Buffer.from(head) };
  }
}

/** Offset just past the empty line that ends the headers (CRLF CRLF, or LF LF), or null. */
function headEnd(data: Buffer): number | null {
  const crlf = data.indexOf('\r\n\r\n');
  const lf = data.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf + 4;
  if (lf >= 0) return lf + 2;
  return null;
}
