// `callhook … | head`: when the reader goes away, writing to stdout fails with EPIPE. That is
// the reader's choice, not an error: exit quietly (as `yes | head` does) instead of a stack
// trace. 0, so that `set -o pipefail` scripts do not fail on a head.
export const EPIPE_EXIT_CODE = 0;

const readerGone = new AbortController();
let exitAtOnce = true;

export function exitQuietlyOnEpipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    readerGone.abort();
    if (exitAtOnce) process.exit(EPIPE_EXIT_CODE);
  });
}

/**
 * For a command that must not stop halfway (trigger would leave a call active): EPIPE no
 * longer exits at once. The command watches the returned signal, stops printing, finishes what
 * it started and exits with EPIPE_EXIT_CODE itself.
 */
export function finishWhenReaderGoes(): AbortSignal {
  exitAtOnce = false;
  return readerGone.signal;
}

/** Resolves once what was written to `stream` so far is out (or failed: the reader left). */
export function flushed(stream: NodeJS.WriteStream = process.stdout): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}
