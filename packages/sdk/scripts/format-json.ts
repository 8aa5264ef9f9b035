// Writes JSON the way `biome format` does with this repo's biome.json, so that the
// generated documents pass `npm run lint` untouched and a lint --write never makes them
// stale: objects always one key per line; arrays of plain values on one line when that
// line (with its trailing comma) fits in the line width, else one value per line.

const LINE_WIDTH = 100; // biome.json → formatter.lineWidth
const INDENT = '  '; // biome.json → formatter.indentWidth 2, spaces

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPlain(value: Json): value is null | boolean | number | string {
  return value === null || typeof value !== 'object';
}

// `column` is where the value starts on its line, `after` how many characters follow it
// there (1 for a comma), both needed to decide whether an array fits on one line.
function render(value: Json, depth: number, column: number, after: number): string {
  if (isPlain(value)) return JSON.stringify(value);
  const inner = INDENT.repeat(depth + 1);
  const close = INDENT.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every(isPlain)) {
      const flat = `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
      if (column + flat.length + after <= LINE_WIDTH) return flat;
    }
    const items = value.map((item, i) => {
      const comma = i < value.length - 1 ? 1 : 0;
      return `${inner}${render(item, depth + 1, inner.length, comma)}${comma ? ',' : ''}`;
    });
    return `[\n${items.join('\n')}\n${close}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  const lines = entries.map(([key, item], i) => {
    const comma = i < entries.length - 1 ? 1 : 0;
    const lead = `${inner}${JSON.stringify(key)}: `;
    return `${lead}${render(item, depth + 1, lead.length, comma)}${comma ? ',' : ''}`;
  });
  return `{\n${lines.join('\n')}\n${close}}`;
}

/** `value` as biome-formatted JSON text, ending with a newline. */
export function formatJson(value: unknown): string {
  // A JSON round trip first: drops undefined and functions, as JSON.stringify would.
  const json = JSON.parse(JSON.stringify(value)) as Json;
  return `${render(json, 0, 0, 0)}\n`;
}
