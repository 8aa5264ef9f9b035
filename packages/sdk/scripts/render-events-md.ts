// Fills the markers of events.template.md with tables generated from the event schemas.
// The prose lives in the template; every list of events, fields, headers or DTMF codes
// here is derived from the SDK, so the document cannot drift from the parser.
import {
  DTMF_SYMBOLS,
  EVENT_EXAMPLES,
  EVENT_TYPES,
  eventJsonSchema,
  type JsonSchema,
  webhookHeadersJsonSchema,
} from '../src/index.ts';

/** Thrown when the template and the generator disagree about the markers. */
export class TemplateError extends Error {
  readonly code = 'template_error';
  override name = 'TemplateError';
}

const MARKER = /^<!-- generate:([a-z-]+) -->$/gm;

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function code(text: string): string {
  return `\`${text}\``;
}

// Columns padded to equal width, as biome formats Markdown tables (so lint keeps them).
function table(head: string[], rows: string[][]): string {
  const width = (text: string) => [...text].length;
  const widths = head.map((_, i) =>
    Math.max(3, ...[head, ...rows].map((row) => width(row[i] ?? ''))),
  );
  const line = (cells: string[]) =>
    `| ${widths.map((w, i) => (cells[i] ?? '').padEnd(w)).join(' | ')} |`;
  const rule = `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

// The "constraints" column: what a value may be, read off its JSON Schema.
function constraintOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return code(JSON.stringify(schema.const));
  if (schema.enum) return schema.enum.map((v) => code(String(v))).join(' ');
  if (schema.pattern) return code(schema.pattern);
  const { minimum: min, maximum: max } = schema;
  if (min !== undefined && (max === undefined || max === Number.MAX_SAFE_INTEGER)) {
    return `≥ ${min}`;
  }
  if (min !== undefined && max !== undefined) return `${min}–${max}`;
  return '';
}

function propertiesOf(schema: JsonSchema): [string, JsonSchema][] {
  return Object.entries(schema.properties ?? {}).filter(
    (entry): entry is [string, JsonSchema] => typeof entry[1] === 'object',
  );
}

function fieldTable(schema: JsonSchema): string {
  const required = new Set(schema.required ?? []);
  const rows = propertiesOf(schema).map(([name, field]) => [
    code(name) + (required.has(name) ? '' : ' (optional)'),
    String(field.type ?? ''),
    cell(constraintOf(field)),
    cell(field.description ?? ''),
  ]);
  return table(['field', 'type', 'constraints', 'description'], rows);
}

// GitHub's heading anchors: lower case, punctuation (dots, backticks) dropped.
function anchor(heading: string): string {
  return heading.toLowerCase().replace(/[^a-z0-9 _-]/g, '');
}

function eventIndex(): string {
  return EVENT_TYPES.map((type) => {
    const summary = eventJsonSchema(type).description ?? '';
    return `- [${code(type)}](#${anchor(type)}) — ${summary}`;
  }).join('\n');
}

function eventSections(): string {
  return EVENT_TYPES.map((type) => {
    const schema = eventJsonSchema(type);
    return [
      `### ${code(type)}`,
      schema.description ?? '',
      fieldTable(schema),
      `Example body ([JSON Schema](schemas/${type}.json)):`,
      `\`\`\`json\n${JSON.stringify(EVENT_EXAMPLES[type], null, 2)}\n\`\`\``,
    ].join('\n\n');
  }).join('\n\n');
}

function dtmfCodes(): string {
  return table(
    [code('dtmf'), ...DTMF_SYMBOLS.map(code)],
    [[code('dtmfNumber'), ...DTMF_SYMBOLS.map((_, i) => String(i))]],
  );
}

function webhookHeaders(): string {
  const rows = propertiesOf(webhookHeadersJsonSchema()).map(([name, header]) => [
    code(name),
    cell(constraintOf(header)),
    cell(header.description ?? ''),
  ]);
  return table(['header', 'value', 'meaning'], rows);
}

const SECTIONS: { readonly [marker: string]: () => string } = {
  'event-index': eventIndex,
  'webhook-headers': webhookHeaders,
  'dtmf-codes': dtmfCodes,
  events: eventSections,
};

/** The template with each `<!-- generate:<name> -->` line replaced by its generated text. */
export function renderEventsMarkdown(template: string, preamble: string): string {
  const used = new Set<string>();
  const body = template.replace(MARKER, (_line, name: string) => {
    const section = SECTIONS[name];
    if (!section) throw new TemplateError(`events template: unknown marker "${name}"`);
    used.add(name);
    return section();
  });
  const missing = Object.keys(SECTIONS).filter((name) => !used.has(name));
  if (missing.length > 0) {
    throw new TemplateError(`events template: missing markers ${missing.join(', ')}`);
  }
  return `${preamble}\n\n${body.trimEnd()}\n`;
}
