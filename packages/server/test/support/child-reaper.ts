import type { ChildProcess } from 'node:child_process';
import { after } from 'node:test';

// Children still running when a test file ends (a test failed before it stopped them) are
// killed here; otherwise their open pipes would keep the test process alive forever.
const running = new Set<ChildProcess>();

after(() => {
  for (const child of running) child.kill('SIGKILL');
});

/** Registers a child process to be killed when the test file ends, if it is still running. */
export function reapAtEnd(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}
