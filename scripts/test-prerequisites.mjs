// The programs outside npm that the tests drive as real peers, and the Debian packages they
// come in. `npm test` checks them before it runs anything: on a machine where it may (root, with
// apt-get) it installs what is missing, saying so; elsewhere it names the one command to run.
// PostgreSQL is not here: the tests that need it start the machine's cluster themselves
// (packages/server/test/support/postgres.ts).
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

export const TEST_PROGRAMS = [
  { program: 'sipp', paths: ['/usr/bin/sipp'], pkg: 'sip-tester', why: 'SIP calls' },
  { program: 'baresip', paths: ['/usr/bin/baresip'], pkg: 'baresip', why: 'SIP phones' },
  { program: 'chromium', paths: ['/usr/bin/chromium'], pkg: 'chromium', why: 'console tests' },
  {
    program: 'promtool',
    paths: ['/usr/bin/promtool'],
    pkg: 'prometheus',
    why: '/metrics checks',
  },
];

function present({ paths }) {
  return paths.some((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function hasAptGet() {
  return spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Returns true when every program is there (installing what it may); false with a message. */
export function ensureTestPrograms(log = console.error) {
  const missing = TEST_PROGRAMS.filter((p) => !present(p));
  if (missing.length === 0) return true;
  const packages = [...new Set(missing.map((p) => p.pkg))];
  const what = missing.map((p) => `${p.program} (${p.why})`).join(', ');
  if (process.getuid?.() === 0 && hasAptGet()) {
    log(`run-tests: installing ${packages.join(' ')} with apt-get, for ${what}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    try {
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
      execFileSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env });
    } catch {
      log(`run-tests: apt-get could not install ${packages.join(' ')}; install them and run again`);
      return false;
    }
    const still = TEST_PROGRAMS.filter((p) => !present(p));
    if (still.length === 0) return true;
    log(`run-tests: still missing after apt-get: ${still.map((p) => p.program).join(', ')}`);
    return false;
  }
  log(
    `run-tests: not installed, and the tests need it: ${what}.\n` +
      `  On Debian or Ubuntu: sudo apt-get install ${packages.join(' ')}\n` +
      '  (as root, npm test installs them itself)',
  );
  return false;
}
