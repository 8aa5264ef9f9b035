import { CallhookError } from '../errors.ts';

// What `callhook serve` prints when it cannot start: one line saying what is wrong and what to
// do, then exit code 1 — never a stack trace. (Bad options are usage errors: exit code 2.)

export interface StartupContext {
  host: string;
  port: string;
  data: string;
}

/** The one line for an error thrown while starting. */
export function describeStartupFailure(error: unknown, context: StartupContext): string {
  const err = error as NodeJS.ErrnoException & { syscall?: string; path?: string };
  const where = err.path ?? context.data;
  switch (err.code) {
    case 'EADDRINUSE':
      return `${context.host}:${context.port} is already in use: stop whatever listens there, or choose another --port`;
    case 'EADDRNOTAVAIL':
      return `--host ${context.host} is not an address of this machine: choose one of its addresses, or 0.0.0.0`;
    case 'ENOTDIR':
    case 'EEXIST':
      return `--data ${context.data} is not a directory (${where}): point --data at a directory`;
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      if (err.syscall === 'listen' || err.syscall === 'bind') {
        return `not allowed to listen on ${context.host}:${context.port} (${err.code}): choose a --port above 1023`;
      }
      return `cannot write ${where} (${err.code}): give this user write access to --data ${context.data}, or choose another directory`;
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_READONLY':
    case 'SQLITE_READONLY_DIRECTORY':
      return `cannot open the database in --data ${context.data} for writing (${err.code}): check that the directory is writable`;
  }
  if (error instanceof CallhookError || (error instanceof Error && error.name === 'StoreError')) {
    return error.message;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `could not start: ${message}`;
}

/** Prints the failure as one line on stderr and exits 1. */
export function exitOnStartupFailure(error: unknown, context: StartupContext): never {
  process.stderr.write(`callhook: ${describeStartupFailure(error, context)}\n`);
  process.exit(1);
}
