import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type CallEvent,
  type CallEventType,
  callEventSchema,
  EVENT_TYPES,
  eventJsonSchema,
  eventSchemas,
  type JsonSchema,
  parseCallEvent,
} from '@callhook/sdk';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';

// Property tests over any valid event, built from the published JSON Schemas: the parser
// gives back exactly what was sent, and the JSON Schemas accept exactly the wire form
// (checked with ajv, an independent JSON Schema validator).

function arbitraryOf(field: JsonSchema): fc.Arbitrary<unknown> {
  if (field.const !== undefined) return fc.constant(field.const);
  if (field.enum) return fc.constantFrom(...field.enum);
  if (field.pattern) return fc.stringMatching(new RegExp(field.pattern));
  if (field.type === 'integer') {
    return fc.integer({ min: field.minimum ?? 0, max: field.maximum ?? Number.MAX_SAFE_INTEGER });
  }
  throw new Error(`no arbitrary for ${JSON.stringify(field)}`);
}

function bodyArbitrary(type: CallEventType): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.entries(eventJsonSchema(type).properties ?? {}).map(([name, field]) => {
    assert.ok(typeof field === 'object');
    return [name, arbitraryOf(field)] as const;
  });
  return fc.record(Object.fromEntries(fields), { noNullPrototype: true });
}

const eventArbitrary = fc
  .oneof(...EVENT_TYPES.map(bodyArbitrary))
  // The JSON Schemas cannot express the cross-field rules; keep the events that meet them.
  .filter((body) => callEventSchema.safeParse(body).success) as fc.Arbitrary<CallEvent>;

const shapeKeys = (event: CallEvent) => Object.keys(eventSchemas[event.eventType].shape);

describe('any valid event', () => {
  it('round-trips through JSON text unchanged, fields in table order', () => {
    fc.assert(
      fc.property(eventArbitrary, (event) => {
        const text = JSON.stringify(event);
        const parsed = parseCallEvent(text);
        assert.deepEqual(parsed, event);
        assert.equal(JSON.stringify(parsed), text);
        assert.deepEqual(Object.keys(parsed), shapeKeys(event));
      }),
    );
  });

  it('parses the same whatever its key order and extra fields', () => {
    const extras = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 });
    fc.assert(
      fc.property(eventArbitrary, extras, fc.infiniteStream(fc.nat()), (event, extra, seeds) => {
        const entries = Object.entries(event);
        const known = new Set(entries.map(([key]) => key));
        const added = Object.entries(extra).filter(([key]) => !known.has(key));
        // A shuffle driven by the generated stream, so that shrinking stays meaningful.
        const shuffled = [...entries, ...added]
          .map((entry) => [seeds.next().value as number, entry] as const)
          .sort(([a], [b]) => a - b)
          .map(([, entry]) => entry);
        const parsed = parseCallEvent(JSON.stringify(Object.fromEntries(shuffled)));
        assert.equal(JSON.stringify(parsed), JSON.stringify(event));
      }),
    );
  });
});

describe('the published JSON Schemas agree with the parser', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  const validators = Object.fromEntries(
    EVENT_TYPES.map((type) => [type, ajv.compile(eventJsonSchema(type))]),
  );
  const validate = (event: { eventType: string }, body: unknown = event) => {
    const check = validators[event.eventType];
    assert.ok(check);
    return check(body);
  };

  it('accept every valid event', () => {
    fc.assert(
      fc.property(eventArbitrary, (event) => {
        assert.ok(validate(event), JSON.stringify(validators[event.eventType]?.errors));
      }),
    );
  });

  it('reject a missing field, a field of the wrong type and an extra field', () => {
    fc.assert(
      fc.property(eventArbitrary, fc.nat(), (event, pick) => {
        const keys = Object.keys(event);
        const key = keys[pick % keys.length] as string;
        const { [key]: _dropped, ...missing } = event as Record<string, unknown>;
        assert.equal(validate(event, missing), false, `without ${key}`);
        assert.equal(validate(event, { ...event, [key]: [] }), false, `${key} = []`);
        assert.equal(validate(event, { ...event, extra: 1 }), false, 'extra field');
      }),
    );
  });

  it('give each schema its $id, title and the example, which it accepts', () => {
    for (const type of EVENT_TYPES) {
      const schema = eventJsonSchema(type);
      assert.equal(schema.$id, `https://callhook.dev/schemas/${type}.json`);
      assert.equal(schema.title, type);
      assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
      assert.deepEqual(schema.required, Object.keys(eventSchemas[type].shape));
      const [example] = schema.examples ?? [];
      assert.ok(validate({ eventType: type }, example), type);
      assert.deepEqual(parseCallEvent(example as object), example);
    }
  });
});
