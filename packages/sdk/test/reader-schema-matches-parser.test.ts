import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DTMF_SYMBOLS,
  EVENT_EXAMPLES,
  EVENT_TYPES,
  eventJsonSchema,
  eventReaderJsonSchema,
  safeParseCallEvent,
} from '@callhook/sdk';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';

// The published reader schemas (docs/schemas/<type>.reader.json) say what the SDK's parser
// accepts, for bots that validate in another language; the wire schemas what callhook sends.
// Here the reader schema and the parser give the same verdict on the same bodies, and the
// wire schema is never more lenient than the reader schema.

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addFormat('uuid', true);
const reader = Object.fromEntries(
  EVENT_TYPES.map((t) => [t, ajv.compile(eventReaderJsonSchema(t))]),
);
const wire = Object.fromEntries(EVENT_TYPES.map((t) => [t, ajv.compile(eventJsonSchema(t))]));

const dtmfExample = EVENT_EXAMPLES['call.dtmf'];
const { dtmf: _symbol, dtmfNumber: _code, ...dtmfBase } = dtmfExample;

describe('reader schemas agree with the SDK parser', () => {
  it("accept the event document's call.dtmf example (dtmf only), which the wire schema refuses", () => {
    const documentExample = { ...dtmfBase, dtmf: '1' };
    assert.equal(reader['call.dtmf']!(documentExample), true);
    assert.equal(safeParseCallEvent(documentExample).success, true);
    assert.equal(wire['call.dtmf']!(documentExample), false);
  });

  it('give the parser verdict on DTMF bodies with either, both, or neither field', () => {
    const symbol = fc.constantFrom(...DTMF_SYMBOLS, 'E', '11', '');
    const code = fc.oneof(
      fc.integer({ min: -2, max: 17 }),
      fc.constantFrom('11', '3', '05', '16', '123', 'x'),
    );
    fc.assert(
      fc.property(
        fc.option(symbol, { nil: undefined }),
        fc.option(code, { nil: undefined }),
        (d, n) => {
          const body = {
            ...dtmfBase,
            ...(d !== undefined && { dtmf: d }),
            ...(n !== undefined && { dtmfNumber: n }),
          };
          const parsed = safeParseCallEvent(body).success;
          // Both present and disagreeing: a cross-field rule no JSON Schema states (documented).
          const bothPresent = d !== undefined && n !== undefined;
          if (!bothPresent || parsed)
            assert.equal(reader['call.dtmf']!(body), parsed, JSON.stringify(body));
          if (wire['call.dtmf']!(body)) assert.equal(reader['call.dtmf']!(body), true);
        },
      ),
      { numRuns: 300 },
    );
  });

  for (const type of EVENT_TYPES) {
    it(`${type}: extra fields pass, a missing or mistyped field fails, as in the parser`, () => {
      const example = EVENT_EXAMPLES[type] as Record<string, unknown>;
      const cases: Record<string, unknown>[] = [
        example,
        { ...example, addedLater: true },
        { ...example, callId: 42 },
        { ...example, eventType: 'call.other' },
        (({ threadId: _t, ...rest }) => rest)(example),
      ];
      for (const body of cases) {
        assert.equal(reader[type]!(body), safeParseCallEvent(body).success, JSON.stringify(body));
      }
      assert.equal(wire[type]!({ ...example, addedLater: true }), false);
    });
  }
});
