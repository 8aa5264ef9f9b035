import { z } from 'zod';
import { EVENT_EXAMPLES } from './examples.ts';
import { type CallEventType, EVENT_TYPES, eventSchemas } from './schemas.ts';

/** A JSON Schema (draft 2020-12) document, as zod emits it. */
export type JsonSchema = z.core.JSONSchema.JSONSchema;

/** Where the published event schemas live; `<base>/<eventType>.json` is each one's `$id`. */
export const JSON_SCHEMA_BASE_URL = 'https://callhook.dev/schemas/';

export function eventJsonSchemaId(type: CallEventType): string {
  return `${JSON_SCHEMA_BASE_URL}${type}.json`;
}

/**
 * The JSON Schema of one event body as callhook sends it (the wire form): every field
 * required, no extra fields. Derived from `eventSchemas`, so it cannot drift from the parser.
 *
 * Two cross-field rules of the parser are not in it, because zod cannot express a
 * `.refine` in JSON Schema: `dialogDuration ≤ callDuration`, and `dtmfNumber` being the
 * code of `dtmf`. The SDK parser is also more lenient than this schema on input (it drops
 * unknown fields and completes a lone `dtmf` or `dtmfNumber`).
 */
export function eventJsonSchema(type: CallEventType): JsonSchema {
  // io 'output' describes what is sent: zod then emits `additionalProperties: false`.
  const generated = z.toJSONSchema(eventSchemas[type], {
    target: 'draft-2020-12',
    io: 'output',
  }) as JsonSchema;
  const { $schema, description, ...rest } = generated;
  // Rebuilt so that the identifying keys come first in the published file.
  return {
    $schema,
    $id: eventJsonSchemaId(type),
    title: type,
    description,
    ...rest,
    examples: [EVENT_EXAMPLES[type]],
  };
}

export function eventReaderJsonSchemaId(type: CallEventType): string {
  return `${JSON_SCHEMA_BASE_URL}${type}.reader.json`;
}

/** The document's own `call.dtmf` example carries only `dtmf`; readers must take it. */
const DTMF_SYMBOL_ONLY_EXAMPLE = (({ dtmfNumber: _code, ...rest }) => rest)(
  EVENT_EXAMPLES['call.dtmf'],
);

/**
 * The JSON Schema of what a reader accepts (the SDK's parser, and a bot in any language that
 * wants to accept what the SDK accepts), beside the wire form of `eventJsonSchema`: unknown
 * fields are allowed (readers drop them), and a `call.dtmf` body may carry either DTMF field
 * alone (`dtmfNumber` also as a numeric string). Derived from the wire form; the rules are
 * those of `completeDtmf` in parse.ts, and a test holds the two to the same verdicts.
 */
export function eventReaderJsonSchema(type: CallEventType): JsonSchema {
  const wire = eventJsonSchema(type) as JsonSchema & {
    properties: Record<string, JsonSchema>;
    required: string[];
  };
  const { $schema, description, properties, required, examples } = wire;
  const reader: Record<string, unknown> = {
    $schema,
    $id: eventReaderJsonSchemaId(type),
    title: `${type} (as readers accept it)`,
    description: `${description} What a reader accepts; callhook always sends the stricter ${type}.json.`,
    type: 'object',
    properties,
    required,
    examples,
  };
  if (type === 'call.dtmf') {
    reader.properties = {
      ...properties,
      dtmfNumber: {
        anyOf: [properties.dtmfNumber, { type: 'string', pattern: '^(0?[0-9]|1[0-5])$' }],
        description: `${properties.dtmfNumber?.description ?? ''} (readers also take it as a numeric string)`,
      },
    };
    reader.required = required.filter((name) => name !== 'dtmf' && name !== 'dtmfNumber');
    reader.anyOf = [{ required: ['dtmf'] }, { required: ['dtmfNumber'] }];
    reader.examples = [...(examples ?? []), DTMF_SYMBOL_ONLY_EXAMPLE];
  }
  return reader as JsonSchema;
}

/** The JSON Schemas of all seven events, keyed by event type, in document order. */
export function eventJsonSchemas(): { [T in CallEventType]: JsonSchema } {
  return Object.fromEntries(EVENT_TYPES.map((type) => [type, eventJsonSchema(type)])) as {
    [T in CallEventType]: JsonSchema;
  };
}
