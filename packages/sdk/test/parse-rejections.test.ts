import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CallEventParseError,
  type CallEventType,
  EVENT_EXAMPLES,
  EVENT_TYPES,
  eventJsonSchema,
  type JsonSchema,
  OPAQUE_ID_PATTERN,
  parseCallEvent,
  safeParseCallEvent,
  UUID_PATTERN,
} from '@callhook/sdk';

// Every single-field corruption of every event's example must be rejected with a
// CallEventParseError that points at the corrupted field. The table is built from the
// schemas (field names, JSON types, patterns), so a new field is covered without edits.

type Body = string | Uint8Array | object;

interface Rejection {
  name: string;
  body: Body;
  /** The issue that must be reported. */
  path: string;
  /** Paths the issues may also name: fields tied to `path` by a cross-field rule. */
  related?: readonly string[];
}

// The parser's cross-field rules (`.refine`s): a bad value on one side may also be
// reported against the other.
const COUPLED: { readonly [T in CallEventType]?: readonly string[] } = {
  'call.ended': ['dialogDuration', 'callDuration'],
  'call.dtmf': ['dtmf', 'dtmfNumber'],
};

const BAD_UUIDS = [
  '522A2F93-4463-4040-8176-947B2C77BD0F',
  'not-a-uuid',
  '522a2f9344634040817 6947b2c77bd0f',
  '{522a2f93-4463-4040-8176-947b2c77bd0f}',
  '',
];
const BAD_OPAQUE_IDS = ['', 'x'.repeat(129), 'a b', 'a/b', 'ä', 'a\n'];

function badValues(name: string, field: JsonSchema): unknown[] {
  if (name === 'dtmf') return ['E', '11', '', 'a', ' 1'];
  if (name === 'dtmfNumber') return [16, -1, 1.5];
  if (field.pattern === UUID_PATTERN.source) return BAD_UUIDS;
  if (field.pattern === OPAQUE_ID_PATTERN.source) return BAD_OPAQUE_IDS;
  if (field.type === 'integer') return [-1, 1.5, -0.5, 2 ** 53];
  if (field.const !== undefined) return ['call.unknown', 'CALL.CREATED', ''];
  return [];
}

// Values of the wrong JSON type. A numeric-string dtmfNumber is tolerated on purpose.
function wrongTypes(name: string, field: JsonSchema): unknown[] {
  const any = [null, true, [], {}];
  if (field.type === 'integer') return [...any, 'seven', ...(name === 'dtmfNumber' ? [] : ['5'])];
  return [...any, 7];
}

function rejectionsOf(type: CallEventType): Rejection[] {
  const example: Record<string, unknown> = EVENT_EXAMPLES[type];
  const related = COUPLED[type];
  const cases: Rejection[] = [];
  const with_ = (name: string, value: unknown) => ({ ...example, [name]: value });
  for (const [name, field] of Object.entries(eventJsonSchema(type).properties ?? {})) {
    if (typeof field !== 'object') continue;
    const tied = related?.includes(name) ? related : undefined;
    // A lone dtmf or dtmfNumber is completed, so only dropping both is an error.
    if (!tied || type !== 'call.dtmf') {
      const { [name]: _dropped, ...rest } = example;
      cases.push({ name: `without ${name}`, body: rest, path: name, related: tied });
    }
    for (const value of [...wrongTypes(name, field), ...badValues(name, field)]) {
      const body = with_(name, value);
      cases.push({ name: `${name} = ${JSON.stringify(value)}`, body, path: name, related: tied });
    }
  }
  if (type === 'call.ended') {
    const body = with_('dialogDuration', EVENT_EXAMPLES['call.ended'].callDuration + 1);
    cases.push({ name: 'dialogDuration > callDuration', body, path: 'dialogDuration' });
  }
  if (type === 'call.dtmf') {
    const { dtmf: _d, dtmfNumber: _n, ...rest } = example;
    cases.push({ name: 'without dtmf and dtmfNumber', body: rest, path: 'dtmf', related });
    cases.push({ name: 'dtmf 1, dtmfNumber 2', body: with_('dtmfNumber', 2), path: 'dtmfNumber' });
    const hash = { ...example, dtmf: '#', dtmfNumber: '10' };
    cases.push({ name: 'dtmf #, dtmfNumber "10"', body: hash, path: 'dtmfNumber' });
    const lone = { ...rest, dtmfNumber: 16 };
    cases.push({ name: 'dtmfNumber 16 alone', body: lone, path: 'dtmfNumber', related });
  }
  return cases;
}

// Bodies that are not an event at all, whatever the type.
const NOT_AN_OBJECT: Rejection[] = [
  ...['null', '[]', '"call.created"', '42', 'true'].map((text) => ({
    name: `JSON text ${text}`,
    body: text,
    path: '(root)',
  })),
  { name: 'an array value', body: [EVENT_EXAMPLES['call.created']], path: '(root)' },
];

const NOT_JSON: Rejection[] = [
  '',
  '{',
  '{"eventType":"call.created",}',
  "{eventType: 'call.created'}",
  '{"eventType":"call.created" "callId":"522a2f93-4463-4040-8176-947b2c77bd0f"}',
  'call.created',
].map((text) => ({ name: `text ${JSON.stringify(text)}`, body: text, path: '(root)' }));

function assertRejected({ body, path, related }: Rejection): void {
  const result = safeParseCallEvent(body);
  assert.equal(result.success, false, 'the body was accepted');
  assert.throws(
    () => parseCallEvent(body),
    (error: unknown) => {
      assert.ok(error instanceof CallEventParseError);
      assert.equal(error.code, 'invalid_event');
      const paths = error.issues.map((issue) => issue.path);
      assert.ok(paths.includes(path), `no issue at ${path}: ${JSON.stringify(error.issues)}`);
      const allowed = new Set([path, ...(related ?? [])]);
      for (const issue of error.issues) {
        assert.ok(allowed.has(issue.path), `unexpected issue ${JSON.stringify(issue)}`);
        assert.ok(issue.message.length > 0);
      }
      return true;
    },
  );
}

describe('parseCallEvent rejects', () => {
  for (const type of EVENT_TYPES) {
    describe(`a ${type} body`, () => {
      it('(control: its example is accepted)', () => {
        assert.ok(safeParseCallEvent(EVENT_EXAMPLES[type]).success);
      });
      for (const rejection of rejectionsOf(type)) {
        it(rejection.name, () => assertRejected(rejection));
      }
    });
  }

  describe('a body that is not an object', () => {
    for (const rejection of NOT_AN_OBJECT) it(rejection.name, () => assertRejected(rejection));
  });

  describe('text that is not JSON', () => {
    for (const rejection of NOT_JSON) it(rejection.name, () => assertRejected(rejection));
    it('bytes that are not JSON', () => {
      assertRejected({ name: 'bytes', body: new Uint8Array([0x7b, 0xff, 0xfe]), path: '(root)' });
    });
    it('says that the body is not valid JSON', () => {
      const result = safeParseCallEvent('{');
      assert.ok(!result.success);
      assert.match(result.error.message, /not valid JSON/);
    });
  });
});
