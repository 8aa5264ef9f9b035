import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  type CallEventType,
  EVENT_EXAMPLES,
  EVENT_TYPES,
  eventSchemas,
  parseCallEvent,
} from '@callhook/sdk';

// The user's own document (docs/source/call-events.md, kept verbatim) is the
// origin of the contract: every body example in it must parse, once its JavaScript
// object literals are made strict JSON (docs/contract.md §1: the missing commas are a typo).
const repoRoot = new URL('../../../', import.meta.url);
const seedUrl = new URL('docs/source/call-events.md', repoRoot);

interface SeedExample {
  heading: string;
  source: string;
}

function seedExamples(): SeedExample[] {
  const markdown = readFileSync(seedUrl, 'utf8');
  return markdown
    .split(/^### /m)
    .slice(1)
    .map((section) => {
      const heading = section.slice(0, section.indexOf('\n')).trim();
      // The last block of the document is never closed, hence the end-of-text alternative.
      const block = /```js\n([\s\S]*?)(?:```|$)/.exec(section);
      assert.ok(block?.[1], `no js body example under "${heading}"`);
      return { heading, source: block[1] };
    });
}

/** A JavaScript object literal as in the seed document, turned into strict JSON text. */
function toStrictJson(literal: string): string {
  return literal
    .replace(/'((?:[^'\\]|\\.)*)'/g, (_quoted, text: string) => JSON.stringify(text))
    .replace(/^(\s*)([A-Za-z_$][\w$]*)\s*:/gm, '$1"$2":')
    .replace(/([^\s{[,])(\s*\n\s*")/g, '$1,$2')
    .replace(/,(\s*[}\]])/g, '$1');
}

function shapeKeys(type: CallEventType): string[] {
  return Object.keys(eventSchemas[type].shape);
}

describe('the body examples of the user document', () => {
  const examples = seedExamples();

  it('makes strict JSON of a JS literal with unquoted keys, missing and trailing commas', () => {
    const literal = "{\n  a: 'x',\n  b: 1\n  c: 'y z',\n}";
    assert.deepEqual(JSON.parse(toStrictJson(literal)), { a: 'x', b: 1, c: 'y z' });
  });

  it('has one example per event type, covering all seven', () => {
    const types = examples.map(({ source }) => JSON.parse(toStrictJson(source)).eventType);
    assert.deepEqual(types, EVENT_TYPES);
    assert.deepEqual(
      examples.map(({ heading }) => heading),
      EVENT_TYPES,
    );
  });

  for (const { heading, source } of examples) {
    describe(heading, () => {
      const raw = JSON.parse(toStrictJson(source)) as Record<string, unknown>;
      const event = parseCallEvent(raw);

      it('parses, keeping every value of the example', () => {
        assert.equal(event.eventType, heading);
        for (const [key, value] of Object.entries(raw)) {
          assert.equal((event as Record<string, unknown>)[key], value, key);
        }
      });

      it('is the example the SDK ships (EVENT_EXAMPLES)', () => {
        assert.deepEqual(event, EVENT_EXAMPLES[event.eventType]);
      });

      it('round-trips through JSON unchanged, with its fields in table order', () => {
        const text = JSON.stringify(event);
        assert.equal(JSON.stringify(parseCallEvent(text)), text);
        assert.deepEqual(Object.keys(event), shapeKeys(event.eventType));
      });
    });
  }

  it('completes the call.dtmf example, which has only dtmf, with dtmfNumber 1', () => {
    const dtmf = examples.find(({ heading }) => heading === 'call.dtmf');
    assert.ok(dtmf);
    const raw = JSON.parse(toStrictJson(dtmf.source)) as Record<string, unknown>;
    assert.equal(raw.dtmf, '1');
    assert.equal('dtmfNumber' in raw, false, 'the seed example has no dtmfNumber');
    const event = parseCallEvent(raw);
    assert.ok(event.eventType === 'call.dtmf');
    assert.equal(event.dtmf, '1');
    assert.equal(event.dtmfNumber, 1);
  });

  it('reorders the call.ended example, written out of order, into table order', () => {
    const ended = examples.find(({ heading }) => heading === 'call.ended');
    assert.ok(ended);
    const raw = JSON.parse(toStrictJson(ended.source)) as Record<string, unknown>;
    assert.notDeepEqual(Object.keys(raw), shapeKeys('call.ended'));
    assert.deepEqual(Object.keys(parseCallEvent(raw)), shapeKeys('call.ended'));
  });
});

describe('EVENT_EXAMPLES', () => {
  for (const type of EVENT_TYPES) {
    it(`${type} parses to itself, in table order`, () => {
      const example = EVENT_EXAMPLES[type];
      assert.equal(example.eventType, type);
      const event = parseCallEvent(JSON.stringify(example));
      assert.deepEqual(event, example);
      assert.equal(JSON.stringify(event), JSON.stringify(example));
      assert.deepEqual(Object.keys(example), shapeKeys(type));
    });
  }
});
