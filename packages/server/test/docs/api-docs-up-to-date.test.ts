import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  API_TEMPLATE_URL,
  ApiTemplateError,
  maskVolatile,
  renderApiDocs,
} from '../../scripts/api-docs/render-api-docs.ts';

// docs/api.md shows what the server prints. This runs every example of its template against
// a real server again and compares with the committed page, ids and ports masked: a change of
// a route, a message or a field that was not regenerated fails here.

const docUrl = new URL('../../../../docs/api.md', import.meta.url);
const FIX = 'run `npm run docs:generate` and commit docs/api.md';

function firstDifference(actual: string, expected: string): string {
  const a = actual.split('\n');
  const e = expected.split('\n');
  const at = e.findIndex((line, i) => a[i] !== line);
  return `line ${at + 1}:\n  docs/api.md: ${a[at]}\n  the server:  ${e[at]}`;
}

describe('docs/api.md', () => {
  it('is what its examples print against a real server', async () => {
    const rendered = maskVolatile(await renderApiDocs(readFileSync(API_TEMPLATE_URL, 'utf8')));
    const committed = maskVolatile(readFileSync(docUrl, 'utf8'));
    assert.ok(committed === rendered, `${FIX}; ${firstDifference(committed, rendered)}`);
  });

  it('has no example that printed nothing, and no endpoint section left empty', () => {
    const doc = readFileSync(docUrl, 'utf8');
    assert.doesNotMatch(doc, /<!-- endpoints -->/);
    for (const heading of ['### Create — `POST /v1/endpoints`', '### Deliveries', '### Enable']) {
      assert.ok(doc.includes(heading), `missing ${heading}`);
    }
  });

  it('refuses a template option it does not know, naming it', async () => {
    await assert.rejects(
      renderApiDocs('```sh run wait=5\necho hi\n```\n'),
      (error: unknown) => error instanceof ApiTemplateError && /"wait=5"/.test(error.message),
    );
  });
});
