import { spawnSync } from 'node:child_process';
import { type ServerFrom, serveCommand } from '../processes/server-process.ts';

// Scenarios 3, 4, 6 and 7 need webhook delivery in `callhook serve`: endpoints on loopback
// (--allow-private-targets) and a short retry schedule for the backlog (--retry-schedule).
// Asked of the server's own --help, so the bench never guesses.

const NEEDED_FLAGS = ['--allow-private-targets', '--retry-schedule'] as const;

/** Why delivery cannot be benchmarked with this build, or undefined when it can. */
export function deliveryUnavailable(from: ServerFrom): string | undefined {
  const help = spawnSync(process.execPath, [...serveCommand(from), '--help'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  const text = `${help.stdout ?? ''}${help.stderr ?? ''}`;
  const missing = NEEDED_FLAGS.filter((flag) => !text.includes(flag));
  if (help.status !== 0) return `callhook serve --help failed: ${text.trim().slice(0, 200)}`;
  if (missing.length > 0) {
    return `callhook serve has no ${missing.join(' / ')} yet (webhook delivery is not wired into serve)`;
  }
  return undefined;
}
