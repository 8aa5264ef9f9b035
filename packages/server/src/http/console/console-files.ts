import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';

/** One built file of the console, held in memory (the whole console is a few dozen KB). */
export interface ConsoleFile {
  body: Buffer;
  contentType: string;
  cacheControl: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** Vite names what it emits under `assets/` by content hash: a changed file is a new URL. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html and the icon keep their names, so the browser asks again every time. */
const REVALIDATE = 'no-cache';

/**
 * Where `npm run build` puts the console: the `dist` folder of the `@callhook/console`
 * package, found through module resolution so that it works in the repository and installed.
 */
export function defaultConsoleDir(): string | null {
  try {
    const manifest = createRequire(import.meta.url).resolve('@callhook/console/package.json');
    return join(dirname(manifest), 'dist');
  } catch {
    return null;
  }
}

/**
 * Reads the built console from `dir`, keyed by the path after `/console/` (`''` is
 * index.html). Null when there is no build there (no `index.html`).
 */
export function loadConsoleFiles(dir: string): Map<string, ConsoleFile> | null {
  if (!existsSync(join(dir, 'index.html'))) return null;
  const files = new Map<string, ConsoleFile>();
  for (const path of walk(dir)) {
    const key = relative(dir, path).split(sep).join('/');
    const contentType = CONTENT_TYPES[extname(path)];
    if (contentType === undefined) continue; // source maps, stray files: not served
    const cacheControl = key.startsWith('assets/') ? IMMUTABLE : REVALIDATE;
    files.set(key, { body: readFileSync(path), contentType, cacheControl });
  }
  files.set('', files.get('index.html')!);
  return files;
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}
