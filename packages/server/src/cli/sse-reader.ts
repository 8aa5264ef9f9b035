// A Server-Sent Events parser (the WHATWG "event stream interpretation", minus `retry:`),
// reading a fetch Response body. Node 20 has no EventSource, and ours must send the API key.

export interface SseMessage {
  /** The `id:` of the message, or the last one seen before it (the resume cursor). */
  id: string;
  /** `event:`; 'message' when absent. */
  event: string;
  data: string;
}

const LINE_END = /\r\n|\n|\r/;

/** Yields each message as its terminating blank line arrives; ends when the body ends. */
export async function* readServerSentEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = '';
  let lastId = '';
  let event = '';
  let data: string[] = [];

  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    for (;;) {
      const match = LINE_END.exec(buffer);
      // A lone '\r' at the end may be the first half of '\r\n': wait for the next chunk.
      if (!match || (match[0] === '\r' && match.index === buffer.length - 1)) break;
      const line = buffer.slice(0, match.index);
      buffer = buffer.slice(match.index + match[0].length);

      if (line === '') {
        if (data.length > 0) yield { id: lastId, event: event || 'message', data: data.join('\n') };
        event = '';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue; // a comment: the server's heartbeat
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
      else if (field === 'id' && !value.includes('\0')) lastId = value;
    }
  }
}
