import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from './support/run-cli.ts';

// Every environment variable the service's code reads is listed in `callhook --help`: the
// sources are searched for reads (process.env.X, env.X, commander's .env('X')), so a new
// variable without a help line fails here.

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const READS = [
  /process\.env\.([A-Z][A-Z0-9_]*)/g,
  /process\.env\[['"]([A-Z][A-Z0-9_]*)['"]\]/g,
  /\benv\.([A-Z][A-Z0-9_]*)/g,
  /\.env\(\s*['"]([A-Z][A-Z0-9_]*)['"]/g,
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function variablesRead(): Set<string> {
  const names = new Set<string>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of READS) for (const m of text.matchAll(pattern)) names.add(m[1]!);
  }
  return names;
}

test('callhook --help lists every environment variable the code reads', {
  timeout: 30_000,
}, async () => {
  const names = variablesRead();
  // The search finds what it should (the client commands' and serve's variables).
  for (const known of ['CALLHOOK_SERVER', 'CALLHOOK_API_KEY', 'CALLHOOK_DATA', 'DATABASE_URL']) {
    assert.ok(names.has(known), `the source search missed ${known}: ${[...names].join(', ')}`);
  }
  const run = await runCli(['--help']);
  assert.equal(run.code, 0, run.stderr);
  const environment = run.stdout.slice(run.stdout.indexOf('\nEnvironment'));
  assert.ok(environment.length > 1, run.stdout);
  const missing = [...names].filter(
    (name) => !new RegExp(`^ {2}${name}\\b`, 'm').test(environment),
  );
  assert.deepEqual(missing, [], 'read by the code but not in --help');
});
