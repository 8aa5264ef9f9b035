import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildAsyncApiDocument, EVENT_EXAMPLES, EVENT_TYPES, eventSchemas } from '@callhook/sdk';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { formatJson } from '../scripts/format-json.ts';
import { GENERATED_DIRECTORIES, renderDocs } from '../scripts/render-docs.ts';
import { renderEventsMarkdown, TemplateError } from '../scripts/render-events-md.ts';

// The contract documents under docs/ are generated from the event schemas and committed.
// This fails when someone changes a schema, the template or the generator without
// regenerating, and checks that the documents say what the SDK does.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const FIX = 'run `npm run docs:generate` and commit the result';

function firstDifference(actual: string, expected: string): string {
  const a = actual.split('\n');
  const e = expected.split('\n');
  const line = e.findIndex((text, i) => a[i] !== text);
  const at = line === -1 ? e.length : line;
  return `line ${at + 1}: file has ${JSON.stringify(a[at])}, generator gives ${JSON.stringify(e[at])}`;
}

describe('generated docs are up to date', () => {
  const docs = renderDocs();

  it('cover a JSON Schema per event, the AsyncAPI document and events.md', () => {
    const expected = [
      ...EVENT_TYPES.map((type) => `docs/schemas/${type}.json`),
      ...EVENT_TYPES.map((type) => `docs/schemas/${type}.reader.json`),
      'docs/asyncapi.json',
      'docs/events.md',
    ];
    assert.deepEqual([...docs.keys()].sort(), expected.sort());
  });

  for (const [path, content] of docs) {
    it(path, () => {
      const file = join(root, path);
      assert.ok(existsSync(file), `${path} is missing: ${FIX}`);
      const onDisk = readFileSync(file, 'utf8');
      assert.ok(
        onDisk === content,
        `${path} is out of date (${firstDifference(onDisk, content)}): ${FIX}`,
      );
    });
  }

  for (const dir of GENERATED_DIRECTORIES) {
    it(`${dir}/ holds only generated files`, () => {
      const stale = readdirSync(join(root, dir))
        .map((name) => `${dir}/${name}`)
        .filter((path) => !docs.has(path));
      assert.deepEqual(stale, [], `stale files in ${dir}/: ${FIX}`);
    });
  }

  // Otherwise `npm run lint` would fail on them, or a lint --write would make them stale.
  it('are already formatted as biome formats them', () => {
    const biome = join(root, 'node_modules/.bin/biome');
    for (const [path, content] of docs) {
      const formatted = execFileSync(biome, ['format', `--stdin-file-path=${path}`], {
        cwd: root,
        input: content,
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'ignore'],
      });
      assert.ok(formatted === content, `${path}: ${firstDifference(content, formatted)}`);
    }
  });
});

describe('docs/events.md', () => {
  const markdown = renderDocs().get('docs/events.md') ?? '';

  it('has a section per event with its example and every field, in table order', () => {
    for (const type of EVENT_TYPES) {
      const start = markdown.indexOf(`### \`${type}\``);
      assert.ok(start >= 0, `no section for ${type}`);
      const next = markdown.indexOf('\n### ', start + 1);
      const section = markdown.slice(start, next === -1 ? undefined : next);
      const fields = [...section.matchAll(/^\| `(\w+)`/gm)].map((match) => match[1]);
      assert.deepEqual(fields, Object.keys(eventSchemas[type].shape));
      assert.ok(section.includes(JSON.stringify(EVENT_EXAMPLES[type], null, 2)), type);
    }
  });

  it('leaves no template marker unfilled', () => {
    assert.doesNotMatch(markdown, /<!-- generate:/);
  });

  it('refuses a template with an unknown or a missing marker', () => {
    assert.throws(() => renderEventsMarkdown('<!-- generate:nope -->', ''), TemplateError);
    assert.throws(() => renderEventsMarkdown('# no markers', ''), TemplateError);
  });
});

describe('docs/asyncapi.json', () => {
  const doc = buildAsyncApiDocument() as Record<string, unknown>;
  type Node = { [key: string]: unknown };

  function resolve(ref: string): unknown {
    assert.ok(ref.startsWith('#/'), ref);
    return ref
      .slice(2)
      .split('/')
      .reduce<unknown>((node, key) => (node as Node | undefined)?.[key], doc);
  }

  function refs(node: unknown): string[] {
    if (node === null || typeof node !== 'object') return [];
    const own = typeof (node as Node).$ref === 'string' ? [(node as Node).$ref as string] : [];
    return [...own, ...Object.values(node).flatMap(refs)];
  }

  it('is AsyncAPI 3.0 with one channel and one receive operation over its seven messages', () => {
    assert.equal(doc.asyncapi, '3.0.0');
    const channels = doc.channels as Node;
    assert.equal(Object.keys(channels).length, 1);
    const operations = Object.values(doc.operations as Node) as Node[];
    assert.equal(operations.length, 1);
    const [operation] = operations;
    assert.ok(operation);
    assert.equal(operation.action, 'receive');
    assert.equal(resolve((operation.channel as Node).$ref as string), Object.values(channels)[0]);
    // operation → channel message → component message
    const names = (operation.messages as Node[])
      .map((ref) => resolve(ref.$ref as string) as Node)
      .map((ref) => (resolve(ref.$ref as string) as Node).name);
    assert.deepEqual(names, EVENT_TYPES);
  });

  it('resolves every $ref inside the document', () => {
    const all = refs(doc);
    assert.ok(all.length > 0);
    for (const ref of all) assert.ok(resolve(ref) !== undefined, `dangling ${ref}`);
  });

  it('gives each message a payload schema that accepts its example and the headers', () => {
    const ajv = new Ajv2020({ strict: true });
    const components = doc.components as { schemas: Node; messages: Node };
    for (const type of EVENT_TYPES) {
      const message = components.messages[type] as Node;
      const payload = resolve((message.payload as Node).$ref as string) as object;
      const [example] = message.examples as { payload: unknown }[];
      assert.deepEqual(example?.payload, EVENT_EXAMPLES[type]);
      assert.ok(ajv.validate(payload, example?.payload), `${type}: ${ajv.errorsText()}`);
      const headers = resolve((message.headers as Node).$ref as string) as Node;
      assert.deepEqual(headers.required, [
        'content-type',
        'webhook-id',
        'webhook-timestamp',
        'webhook-signature',
        'callhook-event-type',
        'callhook-call-id',
        'callhook-seq',
        'callhook-previous-seq',
        'callhook-attempt',
      ]);
    }
  });

  it('describes headers that a real delivery has', () => {
    const ajv = new Ajv2020({ strict: true });
    const headers = (doc.components as { schemas: Node }).schemas.webhookHeaders as object;
    const delivery = {
      'content-type': 'application/json',
      'webhook-id': '0b6f1a9e-3c1d-4f7a-9b2e-5d8c7a6f4e3d',
      'webhook-timestamp': '1539761085',
      'webhook-signature': 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= v1,bm9wZQ==',
      'callhook-event-type': 'call.ended',
      'callhook-call-id': EVENT_EXAMPLES['call.ended'].callId,
      'callhook-seq': '7',
      'callhook-previous-seq': '0',
      'callhook-attempt': '1',
      'user-agent': 'callhook',
    };
    assert.ok(ajv.validate(headers, delivery), ajv.errorsText());
    assert.equal(ajv.validate(headers, { ...delivery, 'callhook-seq': '0' }), false);
    assert.ok(ajv.validate(headers, { ...delivery, 'callhook-previous-seq': '6' }));
    assert.equal(ajv.validate(headers, { ...delivery, 'callhook-previous-seq': '06' }), false);
    assert.equal(ajv.validate(headers, { ...delivery, 'webhook-signature': 'v2,x' }), false);
  });

  it('is written as formatted JSON that parses back to the document', () => {
    assert.deepEqual(JSON.parse(formatJson(doc)), doc);
  });
});
