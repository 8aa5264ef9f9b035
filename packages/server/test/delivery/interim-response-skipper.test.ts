// The byte rule under the sender's connector: interim heads at a response's start are
// dropped, wherever the chunk boundaries fall; nothing else is changed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InterimResponseSkipper } from '../../src/delivery/interim-responses.ts';

const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';
const FINAL = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok';

/** Feeds the chunks in order and returns what undici would read, as one string. */
function feed(skipper: InterimResponseSkipper, chunks: string[]): string {
  return chunks
    .flatMap((c) => skipper.accept(Buffer.from(c, 'latin1')))
    .map((b) => b.toString('latin1'))
    .join('');
}

describe('interim response skipper', () => {
  it('drops a 100 head in the same chunk as the final response', () => {
    const skipper = new InterimResponseSkipper();
    assert.equal(feed(skipper, [CONTINUE + FINAL]), FINAL);
    assert.equal(skipper.skipped, 1);
  });

  it('drops it at every split point of the bytes', () => {
    const bytes = CONTINUE + CONTINUE + FINAL;
    for (let cut = 1; cut < bytes.length; cut += 1) {
      const skipper = new InterimResponseSkipper();
      assert.equal(feed(skipper, [bytes.slice(0, cut), bytes.slice(cut)]), FINAL, `cut at ${cut}`);
      assert.equal(skipper.skipped, 2);
    }
  });

  it('drops 102 and 103 with headers, HTTP/1.0 and a status line without a reason', () => {
    const skipper = new InterimResponseSkipper();
    const interims = [
      'HTTP/1.1 102 Processing\r\n\r\n',
      'HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\nLink: </b.js>; rel=preload\r\n\r\n',
      'HTTP/1.0 100 Continue\r\n\r\n',
      'HTTP/1.1 100\r\n\r\n',
    ];
    assert.equal(feed(skipper, [interims.join('') + FINAL]), FINAL);
    assert.equal(skipper.skipped, 4);
  });

  it('passes a final response at once, without waiting for its head to end', () => {
    const skipper = new InterimResponseSkipper();
    assert.equal(feed(skipper, ['HTTP/1.1 2']), 'HTTP/1.1 2');
    assert.equal(feed(skipper, ['04 No Content\r\n\r\n']), '04 No Content\r\n\r\n');
  });

  it('holds a possible interim head until it can tell', () => {
    const skipper = new InterimResponseSkipper();
    assert.equal(feed(skipper, ['HTTP/1.1 1']), '');
    assert.equal(feed(skipper, ['00 Continue\r\n']), '');
    assert.equal(feed(skipper, ['\r\n']), '');
    assert.equal(skipper.skipped, 1);
  });

  it('leaves 101 Switching Protocols and anything not a status line to undici', () => {
    for (const bytes of [
      'HTTP/1.1 101 Switching Protocols\r\n\r\n',
      'garbage\r\n\r\n',
      'HTTP/2 100\r\n\r\n',
    ]) {
      const skipper = new InterimResponseSkipper();
      assert.equal(feed(skipper, [bytes]), bytes);
      assert.equal(skipper.skipped, 0);
    }
  });

  it('once the final response began, passes even bytes that look like a 100 head', () => {
    const skipper = new InterimResponseSkipper();
    assert.equal(feed(skipper, [FINAL, CONTINUE]), FINAL + CONTINUE);
    assert.equal(skipper.skipped, 0);
  });

  it('looks again at the start of the next request’s response', () => {
    const skipper = new InterimResponseSkipper();
    assert.equal(feed(skipper, [CONTINUE + FINAL]), FINAL);
    skipper.requestStarted();
    assert.equal(feed(skipper, [CONTINUE, FINAL]), FINAL);
    assert.equal(skipper.skipped, 2);
  });

  it('hands on an interim head that never ends once past 16 KiB', () => {
    const skipper = new InterimResponseSkipper();
    const long = `HTTP/1.1 103 Early Hints\r\nx: ${'a'.repeat(17 * 1024)}`;
    assert.equal(feed(skipper, [long]), long);
    assert.equal(feed(skipper, ['\r\n\r\n']), '\r\n\r\n');
  });

  it('knows when a request got interim responses only', () => {
    const skipper = new InterimResponseSkipper();
    assert.equal(skipper.interimOnly(), 0);
    feed(skipper, [CONTINUE + CONTINUE]);
    assert.equal(skipper.interimOnly(), 2);
    feed(skipper, ['HTTP/1.1 2']);
    assert.equal(skipper.interimOnly(), 0);
    skipper.requestStarted();
    assert.equal(skipper.interimOnly(), 0, 'counted per request');
    feed(skipper, [CONTINUE, 'HTTP/1.1 100 Cont']);
    assert.equal(skipper.interimOnly(), 0, 'not while part of a head is held');
  });

  it('on end, hands on what it held (a cut-off interim head) for undici to report', () => {
    const skipper = new InterimResponseSkipper();
    assert.equal(feed(skipper, ['HTTP/1.1 100 Cont']), '');
    assert.equal(skipper.end()?.toString('latin1'), 'HTTP/1.1 100 Cont');
    assert.equal(skipper.end(), null);
  });
});
