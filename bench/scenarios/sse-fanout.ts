// SSE fan-out cost (issue 11 part 6): command p50 with 0, 100 and 500 event-stream readers.
// The target: p50 with 500 readers ≤ 1.5 × p50 with none. Standalone, not part of `npm run
// bench` (it needs a quiet machine for a while):
//   node --conditions=source --import tsx bench/scenarios/sse-fanout.ts [--readers 0,100,500] [--commands 400]
// One `callhook serve` child per reader count; the readers live in a second child (at nice 19),
// so their parsing never runs on the event loop that times the commands.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { monotonicMs } from '../lib/monotonic-clock.ts';
import { BENCH_API_KEY, startServerProcess } from '../processes/server-process.ts';

const SELF = fileURLToPath(import.meta.url);
const AUTH = { authorization: `Bearer ${BENCH_API_KEY}` };

/** Child mode: hold `n` streams open on `url`, print "ready" once all answered, count frames. */
async function holdReaders(url: string, n: number): Promise<void> {
  let frames = 0;
  let open = 0;
  for (let i = 0; i < n; i++) {
    request(`${url}/v1/events/stream`, { headers: AUTH }, (res) => {
      if (res.statusCode !== 200) throw new Error(`stream: HTTP ${res.statusCode}`);
      open += 1;
      if (open === n) process.stdout.write('ready\n');
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        frames += chunk.split('\n\n').length - 1;
      });
    }).end();
  }
  if (n === 0) process.stdout.write('ready\n');
  const alive = setInterval(() => {}, 60_000); // held until the parent is done
  process.on('SIGTERM', () => {
    clearInterval(alive);
    process.stdout.write(`frames ${frames}\n`);
    process.exit(0);
  });
}

async function post(url: string, path: string, body: unknown): Promise<number> {
  const started = monotonicMs();
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return monotonicMs() - started;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(readers: number, commands: number): Promise<{ p50: number; p99: number }> {
  const server = await startServerProcess('source', [
    '--max-streams-per-key',
    String(Math.max(32, readers)),
    '--max-connections',
    String(readers + 256),
  ]);
  // At the lowest priority: the readers stand for clients on other machines, so their parsing
  // must not take the server's CPU on a 2-core bench machine.
  const child = spawn(
    'nice',
    [
      '-n',
      '19',
      process.execPath,
      '--conditions=source',
      '--import',
      'tsx',
      SELF,
      '--hold',
      server.url,
      String(readers),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    child.stdout.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: string) => d.includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`readers exited ${code}`)));
    });
    const create = await fetch(`${server.url}/v1/calls`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ threadId: 'bench-thread', streamId: 'bench-stream' }),
    });
    const { callId } = (await create.json()) as { callId: string };
    const latencies: number[] = [];
    for (let i = 0; i < commands; i++) {
      latencies.push(await post(server.url, `/v1/calls/${callId}/dtmf`, { digits: '1' }));
    }
    const warm = latencies.slice(Math.floor(commands / 10)); // the first tenth warms up
    return { p50: percentile(warm, 50), p99: percentile(warm, 99) };
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await server.stop();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--hold') return holdReaders(args[1]!, Number(args[2]));
  const option = (name: string, fallback: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1]! : fallback;
  };
  const counts = option('--readers', '0,100,500').split(',').map(Number);
  const commands = Number(option('--commands', '400'));
  const results: { readers: number; p50: number; p99: number }[] = [];
  for (const readers of counts) {
    const figure = await measure(readers, commands);
    results.push({ readers, ...figure });
    console.log(
      `${String(readers).padStart(4)} readers: command p50 ${figure.p50.toFixed(2)} ms, p99 ${figure.p99.toFixed(2)} ms`,
    );
  }
  const none = results.find((r) => r.readers === 0);
  const most = results[results.length - 1];
  if (none && most && most !== none) {
    console.log(
      `p50 ratio ${most.readers} readers / none: ${(most.p50 / none.p50).toFixed(2)} (target ≤ 1.5)`,
    );
  }
}

await main();
