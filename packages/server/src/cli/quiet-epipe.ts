// `callhook … | head`: when the reader goes away, writing to stdout fails with EPIPE. That is
// the reader's choice, not an error: exit quietly (as `yes | head` does) instead of a stack
// trace. 0, so that `set -o pipefail` scripts do not fail on a head.
export const EPIPE_EXIT_CODE = 0;

export function exitQuietlyOnEpipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(EPIPE_EXIT_CODE);
  });
}
