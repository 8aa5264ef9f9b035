#!/usr/bin/env node
// Runs every package's tests with node:test through tsx, from an explicit file list.
// A bare `tsx --test` silently finds nothing and exits 0; this fails instead when no test ran.
// Usage: node scripts/run-tests.mjs [path-filter ...]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ensureTestPrograms } from './test-prerequisites.mjs';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const files = ['packages/sdk/test', 'packages/server/test', 'bench/test']
  .map((d) => join(root, d))
  .filter((d) => {
    try {
      return statSync(d).isDirectory();
    } catch {
      return false;
    }
  })
  .flatMap(findTests)
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

if (files.length === 0) {
  console.error('run-tests: no test files found — refusing to report success');
  process.exit(1);
}
// The whole suite drives sipp, baresip, Chromium and promtool (a filtered run checks nothing:
// a test that needs a missing one says so itself).
if (filters.length === 0 && !ensureTestPrograms()) process.exit(1);

const tmp = mkdtempSync(join(tmpdir(), 'callhook-tests-'));
const tapFile = join(tmp, 'results.tap');
const args = [
  '--conditions=source',
  '--import',
  'tsx',
  '--test',
  '--test-concurrency=2',
  '--test-timeout=180000',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=tap',
  `--test-reporter-destination=${tapFile}`,
  ...files,
];
console.log(`run-tests: ${files.length} test files`);
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
child.on('exit', (code, signal) => {
  let tap = '';
  try {
    tap = readFileSync(tapFile, 'utf8');
  } catch {}
  rmSync(tmp, { recursive: true, force: true });
  const count = (key) => Number(tap.match(new RegExp(`^# ${key} (\\d+)$`, 'm'))?.[1] ?? 0);
  const [tests, pass, fail, skipped, todo, cancelled] = [
    'tests',
    'pass',
    'fail',
    'skipped',
    'todo',
    'cancelled',
  ].map(count);
  console.log(`${pass} passed, ${fail + cancelled} failed, ${skipped + todo} skipped`);
  if (signal) {
    console.error(`run-tests: test runner killed by ${signal}`);
    process.exit(1);
  }
  if (tests === 0 || pass === 0) {
    console.error('run-tests: no test ran — failing');
    process.exit(1);
  }
  if (skipped + todo > 0) {
    console.error('run-tests: skipped/todo tests are not allowed to count as passing');
    process.exit(1);
  }
  process.exit(code === 0 && fail === 0 && cancelled === 0 ? 0 : 1);
});
