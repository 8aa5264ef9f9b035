import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

// A small tmpfs of the test's own, for running out of disk for real. Mounting needs root: CI
// runs as root; elsewhere the test fails with this message rather than being skipped.

export function mountSmallTmpfs(t: TestContext, sizeMiB: number): string {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'this test mounts a tmpfs to fill a disk for real and needs root (CI runs as root): ' +
        'run it as root, e.g. sudo node scripts/run-tests.mjs disk-full',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'callhook-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0700`, 'tmpfs', dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const why = String((error as { stderr?: Buffer }).stderr ?? error).trim();
    throw new Error(
      `could not mount a ${sizeMiB} MiB tmpfs at ${dir} (${why}): this test needs root with ` +
        'the right to mount (CAP_SYS_ADMIN; a container needs --privileged or --cap-add SYS_ADMIN)',
    );
  }
  t.after(() => {
    try {
      execFileSync('umount', ['-l', dir]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return dir;
}

/** Bytes still free for writing on the file system holding `dir`. */
export function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/** Fills the file system of `dir` with `file` until only `leaveBytes` (about) are free. */
export function fillDisk(file: string, leaveBytes: number): void {
  const size = Math.max(0, freeBytes(join(file, '..')) - leaveBytes);
  writeFileSync(file, Buffer.alloc(size));
}
