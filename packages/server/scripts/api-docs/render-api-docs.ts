import { openExampleSession } from './run-api-examples.ts';

// docs/api.md from its template: every ```sh run block is run against a real server (see
// run-api-examples.ts) and shown followed by what it printed, as it printed it (so biome,
// which would pretty-print the JSON, leaves docs/api.md alone; the template is formatted).
//
//   ```sh run                  run, then show the command and its output
//   ```sh run advance=5000     first move the server's clock this many ms (default 10)
// Before each block, every queued delivery has had its first attempt.

export const API_TEMPLATE_URL = new URL('api.template.md', import.meta.url);
export const API_DOC_PATH = 'docs/api.md';

const BLOCK = /^```sh run([^\n]*)\n([\s\S]*?)^```\n/gm;
const DEFAULT_ADVANCE_MS = 10;

export class ApiTemplateError extends Error {}

function optionsOf(info: string): { advanceMs: number } {
  let advanceMs = DEFAULT_ADVANCE_MS;
  for (const word of info.trim().split(/\s+/).filter(Boolean)) {
    const advance = /^advance=(\d+)$/.exec(word);
    if (advance) advanceMs = Number(advance[1]);
    else throw new ApiTemplateError(`unknown option ${JSON.stringify(word)} of a sh run block`);
  }
  return { advanceMs };
}

function outputBlock(output: string): string {
  if (output === '') return '';
  const body = output.endsWith('\n') ? output : `${output}\n`;
  const lines = body.split('\n').filter(Boolean);
  const language = lines.every((line) => isJson(line)) ? 'json' : 'text';
  return `\`\`\`${language}\n${body}\`\`\`\n`;
}

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return /^[[{]/.test(line);
  } catch {
    return false;
  }
}

/** The rendered document: the template with each example's real output after it. */
export async function renderApiDocs(template: string): Promise<string> {
  const session = await openExampleSession();
  try {
    let out = '';
    let last = 0;
    for (const match of template.matchAll(BLOCK)) {
      const [whole, info = '', script = ''] = match;
      out += template.slice(last, match.index);
      const output = await session.run(script, optionsOf(info));
      out += `\`\`\`sh\n${script}\`\`\`\n${outputBlock(output)}`;
      last = match.index + whole.length;
    }
    return out + template.slice(last);
  } finally {
    await session.close();
  }
}

/**
 * The text with what differs from run to run masked: random ids and secrets, loopback ports,
 * measured latencies. Two renderings of one template are equal under this mask.
 */
export function maskVolatile(text: string): string {
  return (
    text
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
      .replace(/\b(ep|dlv)_[0-9a-f]+/g, '$1_<id>')
      .replace(/whsec_[A-Za-z0-9+/=]+/g, 'whsec_<secret>')
      .replace(/cst_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, 'cst_<token>')
      .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
      .replace(/"latencyMs":\d+/g, '"latencyMs":<ms>')
      // Page cursors of deliveries and endpoints encode an id.
      .replace(/"nextCursor":"[A-Za-z0-9+/=_-]{16,}"/g, '"nextCursor":"<cursor>"')
  );
}
