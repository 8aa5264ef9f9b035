// `npm run docs:generate`: writes the documents of render-docs.ts under docs/ and removes
// files left in the generated folders by events that no longer exist.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATED_DIRECTORIES, renderDocs } from './render-docs.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const docs = renderDocs();

for (const [path, content] of docs) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

for (const dir of GENERATED_DIRECTORIES) {
  for (const name of readdirSync(join(root, dir))) {
    if (!docs.has(`${dir}/${name}`)) rmSync(join(root, dir, name), { recursive: true });
  }
}

console.log(`docs:generate: wrote ${docs.size} files under docs/`);
