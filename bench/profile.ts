// Where does `callhook serve` spend its CPU? Runs the end-to-end load (scenario 3's traffic,
// saturating) against a server started with `node --cpu-prof`, with one endpoint on the
// verifying receiver (or none: --no-endpoint), then prints the heaviest functions by self
// time and the same grouped by where the code lives (our files, each package, node itself).
//
//   npm run bench:profile -- [--seconds 10] [--no-endpoint] [--top 40] [--keep DIR]
//                            [--serve-args="--endpoint-concurrency 64"] [--no-cpu-prof]
//                            [--rate 1000] [--node-args="--trace-gc"] [--poll-deliveries 1000]
//                            [--warmup 2]
//
// --rate paces the load at that many events/s (scenario 3's fixed window) instead of
// saturating; --node-args go to the server's node (its output is printed after the run);
// --poll-deliveries reads the endpoint's newest 50 deliveries every that many ms during the
// load, as the console's endpoint page does while it is open; --warmup first drives that many
// seconds of saturating load, delivered and forgotten, as scenario 3 does (a cold server
// queues for its first seconds), and the CPU per event and latency figures leave it out (the
// .cpuprofile does not).
//
// Worker threads write their own .cpuprofile; each is summarised on its own.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AckBook, endToEndLatency } from './lib/e2e-latency.ts';
import { assertClean, driveLoad } from './lib/load.ts';
import { processCpuMs } from './lib/process-memory.ts';
import { addVerifyingEndpoint } from './lib/verifying-endpoint.ts';
import { spawnReceiver } from './processes/receiver.ts';
import { BENCH_API_KEY, startServerProcess } from './processes/server-process.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    'no-endpoint': { type: 'boolean', default: false },
    top: { type: 'string', default: '40' },
    keep: { type: 'string' },
    concurrency: { type: 'string', default: '64' },
    'serve-args': { type: 'string', default: '' },
    'no-cpu-prof': { type: 'boolean', default: false },
    rate: { type: 'string' },
    'node-args': { type: 'string', default: '' },
    'poll-deliveries': { type: 'string' },
    warmup: { type: 'string', default: '0' },
  },
});
const seconds = Number(values.seconds);
const top = Number(values.top);
const profileDir = values.keep ?? mkdtempSync(join(tmpdir(), 'callhook-profile-'));
mkdirSync(profileDir, { recursive: true });

console.log(
  `profiling callhook serve (dist) for ${seconds} s, ${values['no-endpoint'] ? 'no endpoint' : 'one endpoint on the verifying receiver'}; ${cpus()[0]?.model}, ${cpus().length} cores, Node ${process.version}`,
);
const serveArgs = values['serve-args'].split(/\s+/).filter((a) => a !== '');
const server = await startServerProcess('dist', ['--allow-private-targets', ...serveArgs], {
  nodeFlags: [
    ...(values['no-cpu-prof'] ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir]),
    ...values['node-args'].split(/\s+/).filter((a) => a !== ''),
  ],
});
const receiver = spawnReceiver();
try {
  let endpointId: string | undefined;
  if (!values['no-endpoint']) {
    ({ endpointId } = await addVerifyingEndpoint(server.url, receiver));
  }
  const warmupSeconds = Number(values.warmup);
  if (warmupSeconds > 0) {
    const warm = await driveLoad({
      url: server.url,
      seconds: warmupSeconds,
      concurrency: Number(values.concurrency),
      seed: 4242 + 7777,
    });
    assertClean(warm, 'profile warm-up');
    if (!values['no-endpoint']) {
      await receiver.call('waitFor', { count: warm.events, timeoutMs: 120_000 });
      await receiver.call('reset', undefined);
    }
    console.log(`warm-up: ${warm.events} events in ${warmupSeconds} s, delivered`);
  }
  const pollMs = values['poll-deliveries'] === undefined ? null : Number(values['poll-deliveries']);
  let polls = 0;
  const poller =
    pollMs !== null && endpointId !== undefined
      ? setInterval(() => {
          void fetch(`${server.url}/v1/endpoints/${endpointId}/deliveries?limit=50`, {
            headers: { authorization: `Bearer ${BENCH_API_KEY}` },
          }).then(async (res) => {
            await res.arrayBuffer();
            if (res.ok) polls += 1;
          });
        }, pollMs)
      : undefined;
  const started = performance.now();
  const cpuBefore = processCpuMs(server.pid) ?? 0;
  const acks = new AckBook();
  const load = await driveLoad({
    url: server.url,
    seconds,
    concurrency: Number(values.concurrency),
    seed: 4242,
    onAck: acks.record,
    ...(values.rate !== undefined && { eventsPerSecond: Number(values.rate) }),
  });
  clearInterval(poller);
  if (poller !== undefined) console.log(`deliveries listed ${polls} times during the load`);
  assertClean(load, 'profile load');
  const loadMs = performance.now() - started;
  console.log(
    `load: ${load.commands.ok} commands, ${load.events} events in ${(loadMs / 1000).toFixed(1)} s (${Math.round(load.commands.ok / (loadMs / 1000))} commands/s)`,
  );
  if (!values['no-endpoint']) {
    const stats = await receiver.call('waitFor', { count: load.events, timeoutMs: 120_000 });
    const ms = performance.now() - started;
    console.log(
      `delivered: ${stats.received}/${load.events} in ${(ms / 1000).toFixed(1)} s (${Math.round(stats.received / (ms / 1000))} events/s), ${stats.invalid} invalid`,
    );
    const arrivals = await receiver.call('arrivals', undefined);
    const latency = endToEndLatency(acks, arrivals);
    console.log(
      `latency command 2xx → webhook: p50 ${latency.p50} ms, p95 ${latency.p95} ms, p99 ${latency.p99} ms, max ${latency.max} ms`,
    );
    // When the slow ones happened: per second of the run, arrivals later than 20 ms.
    const slowPerSecond = new Map<number, number>();
    for (let i = 0; i < arrivals.callIds.length; i++) {
      const acked = acks.ackedAt(arrivals.callIds[i]!, arrivals.seqs[i]!);
      if (acked === undefined || arrivals.atMs[i]! - acked <= 20) continue;
      const second = Math.floor((acked - acks.firstAtMs) / 1000);
      slowPerSecond.set(second, (slowPerSecond.get(second) ?? 0) + 1);
    }
    console.log(
      `over 20 ms, per second of the run: ${[...slowPerSecond].map(([s, n]) => `${s}s:${n}`).join(' ') || 'none'}`,
    );
  }
  const cpuMs = (processCpuMs(server.pid) ?? 0) - cpuBefore;
  console.log(
    `server CPU: ${(cpuMs / 1000).toFixed(1)} s = ${((cpuMs * 1000) / load.events).toFixed(0)} µs per event (${((cpuMs * 1000) / load.commands.ok).toFixed(0)} µs per command)`,
  );
} finally {
  await receiver.stop();
  await server.stop(); // SIGTERM: node writes the profiles on exit
  if (values['node-args'] !== '') console.log(`server output (last 16 KB):\n${server.output()}`);
}

for (const file of readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'))) {
  summarise(file, JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile);
}
if (values.keep === undefined) rmSync(profileDir, { recursive: true, force: true });
else console.log(`profiles kept in ${profileDir} (open them in Chrome DevTools' Performance tab)`);

function summarise(file: string, profile: CpuProfile): void {
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = profile.endTime - profile.startTime;
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${shortUrl(url)}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const place = placeOf(functionName, url);
    byPlace.set(place, (byPlace.get(place) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
  console.log(`\n${file}: ${(total / 1e6).toFixed(1)} s profiled`);
  console.log('  by place (self time):');
  for (const [place, us] of [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
    console.log(`  ${pct(us)}  ${place}`);
  }
  console.log(`  top ${top} functions (self time):`);
  for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${pct(us)}  ${key}`);
  }
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const pkg = url.indexOf('/packages/');
  if (pkg >= 0) return url.slice(pkg + 1);
  return url;
}

function placeOf(functionName: string, url: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const src = url.indexOf('/dist/');
  if (src >= 0)
    return url
      .slice(src + '/dist/'.length)
      .split('/')
      .slice(0, 2)
      .join('/');
  return url;
}
