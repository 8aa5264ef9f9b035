/** One Server-Sent Event as the event stream sends it: `id:` cursor, `event:` type, `data:`. */
export interface StreamMessage {
  id: string;
  event: string;
  data: string;
}

/**
 * Splits a text/event-stream into messages as chunks arrive (the WHATWG rules the API uses:
 * fields per line, a blank line ends a message, `:` lines are comments such as `: ping`).
 */
export class SseParser {
  private buffer = '';
  private id = '';
  private event = '';
  private data: string[] = [];

  push(chunk: string): StreamMessage[] {
    this.buffer += chunk;
    const out: StreamMessage[] = [];
    let newline = this.buffer.search(/\r\n|\r|\n/);
    while (newline !== -1) {
      const line = this.buffer.slice(0, newline);
      const width = this.buffer.startsWith('\r\n', newline) ? 2 : 1;
      this.buffer = this.buffer.slice(newline + width);
      const message = this.line(line);
      if (message) out.push(message);
      newline = this.buffer.search(/\r\n|\r|\n/);
    }
    return out;
  }

  private line(line: string): StreamMessage | null {
    if (line === '') {
      const message =
        this.data.length > 0
          ? { id: this.id, event: this.event || 'message', data: this.data.join('\n') }
          : null;
      this.event = '';
      this.data = [];
      return message;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'id') this.id = value;
    else if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    return null;
  }
}
