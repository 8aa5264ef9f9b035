import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// `npm run build` (tsc -b of the sdk and the server), so that dist is the code being measured.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Builds dist; on a failed build prints tsc's output under `command`'s name and exits 1. */
export function buildDist(command: string, log: (line: string) => void): void {
  log('building dist (tsc -b packages/sdk packages/server)…');
  const tsc = spawnSync(
    process.execPath,
    [`${ROOT}node_modules/typescript/bin/tsc`, '-b', 'packages/sdk', 'packages/server'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (tsc.status !== 0) {
    console.error(
      `${command}: the build failed; fix it, or measure from source with --from source\n${tsc.stdout}${tsc.stderr}`,
    );
    process.exit(1);
  }
}
