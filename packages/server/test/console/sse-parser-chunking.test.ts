import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { SseParser, type StreamMessage } from '../../../console/src/api/sse-parser.ts';

// The console reads the event stream with fetch, so it splits messages itself: however the
// network cuts the bytes, the same messages come out, comments and pings ignored.

const messageArb = fc.record({
  id: fc.stringMatching(/^[0-9]{1,6}$/),
  event: fc.constantFrom('call.created', 'call.dtmf', 'call.ended'),
  data: fc.json().map((json) => json.replace(/[\r\n]/g, ' ')),
});

function encode(messages: StreamMessage[], newline: string, pings: boolean): string {
  return messages
    .map(
      (m) =>
        `${pings ? `: ping${newline}` : ''}id: ${m.id}${newline}event: ${m.event}${newline}data: ${m.data}${newline}${newline}`,
    )
    .join('');
}

test('any chunking of a stream gives the same messages, for \\n, \\r\\n and \\r line ends', () => {
  fc.assert(
    fc.property(
      fc.array(messageArb, { maxLength: 8 }),
      fc.constantFrom('\n', '\r\n', '\r'),
      fc.boolean(),
      fc.array(fc.nat(), { maxLength: 12 }),
      (messages, newline, pings, cuts) => {
        const text = encode(messages, newline, pings);
        // A \r\n cut between its two characters is read as \r then an empty line by the WHATWG
        // rules too; streams here use \n, so keep \r\n whole.
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))]
          .filter((p) => !(text[p - 1] === '\r' && text[p] === '\n'))
          .sort((a, b) => a - b);
        const parser = new SseParser();
        const out: StreamMessage[] = [];
        let from = 0;
        for (const point of [...points, text.length]) {
          out.push(...parser.push(text.slice(from, point)));
          from = point;
        }
        assert.deepEqual(
          out,
          messages.map((m) => ({ ...m })),
        );
      },
    ),
  );
});

test('a message is not given out before the blank line that ends it', () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push('id: 7\nevent: call.dtmf\ndata: {"a":1}\n'), []);
  assert.deepEqual(parser.push('\n'), [{ id: '7', event: 'call.dtmf', data: '{"a":1}' }]);
});
