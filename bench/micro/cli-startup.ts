// Start-up time of the built `callhook` CLI: `--help` and client commands (against a port where
// nothing listens, so each fails fast after its first request), next to a bare `node -e 0` on
// the same machine. The client commands load neither the server nor zod (a test checks which
// modules load: test/cli/client-commands-load-no-server.test.ts); this prints how long that takes.
//
//   npm run build && node --conditions=source --import tsx bench/micro/cli-startup.ts [runs]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { currentLoad, machineInfo } from '../lib/machine-info.ts';

const runs = Number(process.argv[2] ?? 20);
const BIN = fileURLToPath(new URL('../../packages/server/bin/callhook.js', import.meta.url));
const COMMANDS: [string, string[]][] = [
  ['node -e 0 (baseline)', ['-e', '0']],
  ['callhook --help', [BIN, '--help']],
  ['callhook calls list', [BIN, 'calls', 'list']],
  ['callhook events list', [BIN, 'events', 'list']],
  ['callhook endpoints list', [BIN, 'endpoints', 'list']],
  ['callhook trigger call.created', [BIN, 'trigger', 'call.created']],
  ['callhook serve --help', [BIN, 'serve', '--help']],
];
const env = { ...process.env, CALLHOOK_SERVER: 'http://127.0.0.1:9', CALLHOOK_API_KEY: 'bench' };
const loadAtStart = currentLoad();

/** Wall-clock milliseconds of each run, the commands interleaved so load hits all alike. */
const times = new Map<string, number[]>(COMMANDS.map(([name]) => [name, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, args] of COMMANDS) {
    const started = process.hrtime.bigint();
    spawnSync(process.execPath, args, { env, stdio: 'ignore' });
    times.get(name)!.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
}

const pick = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
console.log(
  `${'command'.padEnd(32)} ${'min'.padStart(7)} ${'median'.padStart(7)} ${'p90'.padStart(7)}  (ms, ${runs} runs)`,
);
for (const [name, list] of times) {
  const sorted = [...list].sort((a, b) => a - b);
  const cells = [sorted[0]!, pick(sorted, 0.5), pick(sorted, 0.9)].map((x) =>
    x.toFixed(0).padStart(7),
  );
  console.log(`${name.padEnd(32)} ${cells.join(' ')}`);
}
console.log(JSON.stringify({ machine: machineInfo(loadAtStart) }));
