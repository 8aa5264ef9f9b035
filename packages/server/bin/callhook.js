#!/usr/bin/env node
// Entry point of the `callhook` command. Runs the compiled CLI (built by `npm install` via `prepare`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error(
    'callhook: not built yet — run `npm run build` (or `npm install`) at the repository root',
  );
  process.exit(1);
}
await import(entry.href);
