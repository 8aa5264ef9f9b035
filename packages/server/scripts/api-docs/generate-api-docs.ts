// `npm run docs:generate` (second half): docs/api.md from scripts/api-docs/api.template.md,
// with every example run against a real server and its output pasted in.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_DOC_PATH, API_TEMPLATE_URL, renderApiDocs } from './render-api-docs.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const doc = await renderApiDocs(readFileSync(API_TEMPLATE_URL, 'utf8'));
writeFileSync(join(root, API_DOC_PATH), doc);
console.log(`docs:generate: wrote ${API_DOC_PATH}`);
