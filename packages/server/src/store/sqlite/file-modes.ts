import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

// The database holds the endpoints' signing secrets in clear: only the service's own user may
// read it. SQLite creates a file 0644 (less the umask) and gives the -wal and -shm files the
// mode of the database file, so the database file is made (or tightened) 0600 before SQLite
// opens it, and the directory 0700.

/** Mode of the database file and its -wal and -shm companions. */
export const DATA_FILE_MODE = 0o600;
/** Mode of the directory that holds them. */
export const DATA_DIR_MODE = 0o700;

/** The files SQLite keeps beside a database in WAL mode. */
export function databaseFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`];
}

/**
 * Creates the directory of `path` (0700) and the database file (0600) if missing, and takes
 * group and other permissions away from both, and from -wal and -shm, if they exist with them
 * (databases made before callhook set modes). A directory the service does not own keeps its
 * mode (chmod is refused): the file modes still hold.
 */
export function secureDatabaseFiles(path: string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: DATA_DIR_MODE });
  tighten(dir, DATA_DIR_MODE);
  if (!existsSync(path)) closeSync(openSync(path, 'a', DATA_FILE_MODE));
  for (const file of databaseFiles(path)) tighten(file, DATA_FILE_MODE);
}

function tighten(path: string, mode: number): void {
  let current: number;
  try {
    current = statSync(path).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if ((current & 0o077) === 0) return;
  try {
    chmodSync(path, current & mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
}
