import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DTMF_SYMBOLS,
  EVENT_EXAMPLES,
  EVENT_TYPES,
  eventSchemas,
  parseCallEvent,
} from '@callhook/sdk';

// What the parser accepts beyond the wire form, and what it makes of it: unknown fields
// are dropped, any key order is put in table order, and a call.dtmf body with only one
// of its two DTMF fields is completed (docs/contract.md §1).

const { dtmf: _dtmf, dtmfNumber: _code, ...dtmfBase } = EVENT_EXAMPLES['call.dtmf'];

describe('parseCallEvent tolerates', () => {
  for (const type of EVENT_TYPES) {
    const example = EVENT_EXAMPLES[type];

    it(`unknown extra fields on ${type}, and drops them`, () => {
      const body = { ...example, extra: 1, nested: { a: [1] }, eventId: 'x', '': null };
      const event = parseCallEvent(JSON.stringify(body));
      assert.deepEqual(event, example);
      assert.deepEqual(Object.keys(event), Object.keys(eventSchemas[type].shape));
    });

    it(`any key order on ${type}, and answers in table order`, () => {
      const reversed = Object.fromEntries(Object.entries(example).reverse());
      const event = parseCallEvent(JSON.stringify(reversed));
      assert.equal(JSON.stringify(event), JSON.stringify(example));
    });

    it(`${type} as JSON text, bytes or a parsed object alike`, () => {
      const text = JSON.stringify(example);
      const fromText = parseCallEvent(text);
      assert.deepEqual(parseCallEvent(new TextEncoder().encode(text)), fromText);
      assert.deepEqual(parseCallEvent(JSON.parse(text)), fromText);
    });
  }

  describe('a call.dtmf body with one DTMF field', () => {
    DTMF_SYMBOLS.forEach((symbol, code) => {
      const full = { ...dtmfBase, dtmf: symbol, dtmfNumber: code };

      it(`dtmf ${symbol} alone → dtmfNumber ${code}`, () => {
        assert.deepEqual(parseCallEvent({ ...dtmfBase, dtmf: symbol }), full);
      });

      it(`dtmfNumber ${code} alone → dtmf ${symbol}`, () => {
        assert.deepEqual(parseCallEvent({ ...dtmfBase, dtmfNumber: code }), full);
      });

      it(`dtmfNumber "${code}" (a numeric string) alone → dtmf ${symbol}`, () => {
        assert.deepEqual(parseCallEvent({ ...dtmfBase, dtmfNumber: String(code) }), full);
      });

      it(`dtmf ${symbol} with dtmfNumber "${code}" as a string`, () => {
        assert.deepEqual(parseCallEvent({ ...full, dtmfNumber: String(code) }), full);
      });
    });

    it('completed fields come in table order', () => {
      const event = parseCallEvent(JSON.stringify({ dtmfNumber: 11, ...dtmfBase }));
      assert.deepEqual(Object.keys(event), Object.keys(eventSchemas['call.dtmf'].shape));
    });

    it('without changing the object it was given', () => {
      const body = { ...dtmfBase, dtmfNumber: '11' };
      const before = structuredClone(body);
      assert.equal(parseCallEvent(body).eventType, 'call.dtmf');
      assert.deepEqual(body, before);
    });
  });
});
