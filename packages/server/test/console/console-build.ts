import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const CONSOLE_ROOT = fileURLToPath(new URL('../../../console/', import.meta.url));

/**
 * Builds the console from its sources into a fresh directory (Vite, the same config as
 * `npm run build`), so a browser test never runs against a build left over by hand.
 */
export async function buildConsole(): Promise<string> {
  const outDir = join(mkdtempSync(join(tmpdir(), 'callhook-console-')), 'dist');
  await build({
    root: CONSOLE_ROOT,
    configFile: join(CONSOLE_ROOT, 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}
