import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DTMF_SYMBOLS,
  dtmfNumberOf,
  dtmfNumberSchema,
  dtmfSymbolOf,
  dtmfSymbolSchema,
  EVENT_EXAMPLES,
  eventJsonSchema,
  isDtmfSymbol,
  parseCallEvent,
} from '@callhook/sdk';

// RFC 4733 §3.2, Table 3 "DTMF Named Events", as also listed by the IANA
// audio/telephone-event registry: the event code of each DTMF symbol. Written out by hand
// here on purpose, to check the SDK's table against the RFC rather than against itself.
const RFC_4733_DTMF_EVENTS: readonly (readonly [symbol: string, code: number])[] = [
  ['0', 0],
  ['1', 1],
  ['2', 2],
  ['3', 3],
  ['4', 4],
  ['5', 5],
  ['6', 6],
  ['7', 7],
  ['8', 8],
  ['9', 9],
  ['*', 10],
  ['#', 11],
  ['A', 12],
  ['B', 13],
  ['C', 14],
  ['D', 15],
];

describe('DTMF symbols and RFC 4733 event codes', () => {
  it('knows exactly the 16 DTMF symbols of the RFC', () => {
    assert.deepEqual(
      [...DTMF_SYMBOLS].sort(),
      RFC_4733_DTMF_EVENTS.map(([symbol]) => symbol).sort(),
    );
  });

  for (const [symbol, code] of RFC_4733_DTMF_EVENTS) {
    it(`maps ${symbol} to code ${code} and back`, () => {
      assert.ok(isDtmfSymbol(symbol));
      assert.equal(dtmfNumberOf(symbol), code);
      assert.equal(dtmfSymbolOf(code), symbol);
    });
  }

  it('has no symbol for codes outside 0-15, fractions or NaN (16 is the RFC flash event)', () => {
    for (const code of [16, -1, 1.5, Number.NaN, 100]) {
      assert.equal(dtmfSymbolOf(code), undefined, `code ${code}`);
    }
  });

  it('does not take other strings for symbols', () => {
    for (const value of ['E', 'a', 'd', '11', '', ' 1', '**', 1, null]) {
      assert.equal(isDtmfSymbol(value), false, JSON.stringify(value));
      assert.equal(dtmfSymbolSchema.safeParse(value).success, false, JSON.stringify(value));
    }
  });

  it('validates codes as integers 0-15', () => {
    for (const [, code] of RFC_4733_DTMF_EVENTS)
      assert.ok(dtmfNumberSchema.safeParse(code).success);
    for (const code of [16, -1, 1.5, '1']) {
      assert.equal(dtmfNumberSchema.safeParse(code).success, false, JSON.stringify(code));
    }
  });

  it('publishes the symbols in code order and the code range in the JSON Schema', () => {
    const { dtmf, dtmfNumber } = eventJsonSchema('call.dtmf').properties ?? {};
    assert.ok(typeof dtmf === 'object' && typeof dtmfNumber === 'object');
    assert.deepEqual(
      dtmf.enum,
      RFC_4733_DTMF_EVENTS.map(([symbol]) => symbol),
    );
    assert.equal(dtmfNumber.type, 'integer');
    assert.equal(dtmfNumber.minimum, 0);
    assert.equal(dtmfNumber.maximum, 15);
  });

  it('completes a call.dtmf body from either field with the RFC code', () => {
    const { dtmf: _dtmf, dtmfNumber: _code, ...base } = EVENT_EXAMPLES['call.dtmf'];
    for (const [symbol, code] of RFC_4733_DTMF_EVENTS) {
      const fromSymbol = parseCallEvent({ ...base, dtmf: symbol });
      const fromCode = parseCallEvent({ ...base, dtmfNumber: code });
      assert.deepEqual(fromSymbol, { ...base, dtmf: symbol, dtmfNumber: code });
      assert.deepEqual(fromCode, fromSymbol);
    }
  });
});
