// `npm run bench:postgres` — callhook on PostgreSQL: scenario 3's load (commands in → verified
// webhooks out) against one node, against three nodes on one database (load spread over them
// round-robin), and against the PostgreSQL baseline (callhook's API and event log, then a
// graphile-worker job per event, signed the same way), all in one invocation. For each: events/s
// at saturation, p99 at 1,000 events/s, CPU per delivered event of the service's processes and
// of every postgres process (from /proc), WAL bytes and commits per delivered event.
//
//   npm run bench:postgres -- [--quick] [--repeats N] [--only one-node,three-nodes,graphile]
//                             [--rate N]   (the fixed rate of the latency window; default 1,000)
import { setTimeout as sleep } from 'node:timers/promises';
import { createEndpoint } from './lib/control-api.ts';
import { AckBook, endToEndLatency } from './lib/e2e-latency.ts';
import { assertClean, driveLoad } from './lib/load.ts';
import { currentLoad, machineInfo } from './lib/machine-info.ts';
import { monotonicMs } from './lib/monotonic-clock.ts';
import {
  benchDatabase,
  cpuSeconds,
  ensurePostgres,
  pgCounters,
  postgresPids,
  walBreakdown,
} from './lib/postgres-server.ts';
import { startGraphileBaseline } from './processes/graphile-baseline.ts';
import { type Receiver, spawnReceiver } from './processes/receiver.ts';
import { BENCH_API_KEY, startServerProcess } from './processes/server-process.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const repeats = Number(args[args.indexOf('--repeats') + 1] ?? 0) || (quick ? 1 : 3);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1]!.split(',') : null;
const WINDOW_S = quick ? 4 : 10;
const WARMUP_S = quick ? 1 : 2;
const CONCURRENCY = 64;
const FIXED_RATE = rateOption();

function rateOption(): number {
  const at = args.indexOf('--rate');
  if (at < 0) return 1000;
  const rate = Number(args[at + 1]);
  if (!Number.isFinite(rate) || rate <= 0) {
    console.error(`--rate wants events per second (a positive number), got ${args[at + 1]}`);
    process.exit(2);
  }
  return rate;
}
// Webhook POSTs in flight at once to the one endpoint: callhook's --endpoint-concurrency and
// the baseline's graphile-worker concurrency, the same for both (callhook's default is 16; at
// 16 the receiver's latency on a busy two-core machine, not the service, bounds events/s).
const IN_FLIGHT = 64;
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Service {
  /** Where commands go: several URLs are used round-robin (one load driver each). */
  urls: string[];
  /** Processes of the service itself (not postgres), for CPU. */
  pids: number[];
  /** Statements the service has sent to PostgreSQL so far (callhook's own counter). */
  statements?: () => Promise<number>;
  stop(): Promise<void>;
}

interface Window {
  delivered: number;
  emitted: number;
  eventsPerSecond: number;
  p99: number;
  p50: number;
  cpuServiceUs: number;
  cpuPostgresUs: number;
  walBytes: number;
  /** Full-page images per delivered event. */
  walFpi: number;
  commits: number;
  /** Statements per delivered event (NaN where the service does not count them). */
  statements: number;
  /** The WAL positions at its start and its end (walBreakdown). */
  lsn: { from: string; to: string };
}

/** Load over every URL at once (the rate and the concurrency split evenly), until delivered. */
async function window(
  service: Service,
  receiver: Receiver,
  database: string,
  seed: number,
  rate: number | undefined,
  seconds: number,
): Promise<Window> {
  await receiver.call('reset', undefined);
  const acks = new AckBook();
  const pgBefore = postgresPids();
  const cpu0 = cpuSeconds([...service.pids, ...pgBefore]);
  const counters0 = await pgCounters(database);
  const statements0 = (await service.statements?.()) ?? Number.NaN;
  const start = monotonicMs();
  const n = service.urls.length;
  const results = await Promise.all(
    service.urls.map((url, i) =>
      driveLoad({
        url,
        seconds,
        concurrency: Math.max(1, Math.round(CONCURRENCY / n)),
        seed: seed + i * 100_000,
        onAck: acks.record,
        ...(rate !== undefined && { eventsPerSecond: rate / n }),
      }),
    ),
  );
  for (const r of results) assertClean(r, 'postgres bench');
  const emitted = results.reduce((sum, r) => sum + r.events, 0);
  const stats = await receiver.call('waitFor', { count: emitted, timeoutMs: 120_000 });
  const arrivals = await receiver.call('arrivals', undefined);
  await sleep(1100); // PostgreSQL flushes its statistics at most every second
  const cpu1 = cpuSeconds([...service.pids, ...postgresPids()]);
  const counters1 = await pgCounters(database);
  const statements1 = (await service.statements?.()) ?? Number.NaN;
  const used = (pids: number[]) =>
    pids.reduce((sum, pid) => sum + ((cpu1.get(pid) ?? 0) - (cpu0.get(pid) ?? 0)), 0);
  const pgNow = postgresPids();
  const latency = endToEndLatency(acks, arrivals);
  const elapsed = ((stats.lastAtMs ?? start) - start) / 1000;
  const delivered = stats.received;
  if (service.pids.length > 1) {
    const each = service.pids.map((pid) => ((used([pid]) / delivered) * 1e6).toFixed(0));
    log(`  service CPU per process, µs per delivered event: ${each.join(' · ')}`);
  }
  return {
    delivered,
    emitted,
    eventsPerSecond: elapsed > 0 ? delivered / elapsed : 0,
    p99: latency.p99 ?? Number.NaN,
    p50: latency.p50 ?? Number.NaN,
    cpuServiceUs: (used(service.pids) / delivered) * 1e6,
    cpuPostgresUs: (used([...new Set([...pgBefore, ...pgNow])]) / delivered) * 1e6,
    walBytes: (counters1.walBytes - counters0.walBytes) / delivered,
    walFpi: (counters1.walFpi - counters0.walFpi) / delivered,
    lsn: { from: counters0.lsn, to: counters1.lsn },
    commits: (counters1.commits - counters0.commits) / delivered,
    statements: (statements1 - statements0) / delivered,
  };
}

/** A node's callhook_postgres_statements_total, from its /metrics. */
async function statementsOf(url: string): Promise<number> {
  const res = await fetch(`${url}/metrics`, {
    headers: { authorization: `Bearer ${BENCH_API_KEY}` },
  });
  const line = (await res.text())
    .split('\n')
    .find((l) => l.startsWith('callhook_postgres_statements_total '));
  if (!line) throw new Error(`${url}/metrics has no callhook_postgres_statements_total`);
  return Number(line.split(' ')[1]);
}

type Starter = (receiverUrl: string, databaseUrl: string, receiver: Receiver) => Promise<Service>;

async function callhookNodes(count: number): Promise<Starter> {
  return async (receiverUrl, databaseUrl, receiver) => {
    const nodes: Awaited<ReturnType<typeof startServerProcess>>[] = [];
    for (let i = 0; i < count; i++) {
      nodes.push(
        await startServerProcess('source', [
          '--allow-private-targets',
          '--database-url',
          databaseUrl,
          '--no-console',
          '--endpoint-concurrency',
          String(IN_FLIGHT),
        ]),
      );
    }
    const { secret } = await createEndpoint(nodes[0]!.url, BENCH_API_KEY, receiverUrl);
    await receiver.call('useSecret', { secret });
    return {
      urls: nodes.map((n) => n.url),
      pids: nodes.map((n) => n.pid),
      statements: async () => {
        let sum = 0;
        for (const n of nodes) sum += await statementsOf(n.url);
        return sum;
      },
      stop: async () => {
        for (const n of nodes) await n.stop();
      },
    };
  };
}

const graphile: Starter = async (receiverUrl, databaseUrl, receiver) => {
  const app = await startGraphileBaseline({
    from: 'source',
    receiverUrl,
    databaseUrl,
    workerConcurrency: IN_FLIGHT,
  });
  await receiver.call('useSecret', { secret: app.secret });
  return { urls: [app.url], pids: [app.pid], stop: () => app.stop() };
};

/** What the saturated window's WAL was made of, per delivered event: the largest kinds. */
async function logWalBreakdown(w: Window): Promise<void> {
  const kinds = await walBreakdown(w.lsn.from, w.lsn.to);
  const per = (n: number) => n / w.delivered;
  const shown = kinds
    .slice(0, 10)
    .map(
      (k) =>
        `${k.kind} ${per(k.count).toFixed(2)}× ${Math.round(per(k.bytes))} B` +
        (k.fpiBytes > 0 ? ` (FPI ${Math.round(per(k.fpiBytes))})` : ''),
    );
  const fpi = kinds.reduce((sum, k) => sum + k.fpiBytes, 0);
  log(
    `  WAL per delivered event: ${w.walFpi.toFixed(2)} full-page images, ` +
      `${Math.round(per(fpi))} B of them; by record: ${shown.join(' · ')}`,
  );
}

async function measure(name: string, start: Starter) {
  const runs: { saturated: Window; fixed: Window }[] = [];
  for (let i = 0; i < repeats; i++) {
    const receiver = spawnReceiver();
    const db = await benchDatabase();
    let service: Service | undefined;
    try {
      const { port } = await receiver.call('listen', { mode: 'verify' });
      service = await start(`http://127.0.0.1:${port}/webhooks`, db.url, receiver);
      const database = new URL(db.url).pathname.slice(1);
      await window(service, receiver, database, 9000 + i, undefined, WARMUP_S); // warm-up
      const fixed = await window(service, receiver, database, 9100 + i, FIXED_RATE, WINDOW_S);
      const saturated = await window(service, receiver, database, 9200 + i, undefined, WINDOW_S);
      log(
        `${name} run ${i + 1}/${repeats}: ${Math.round(saturated.eventsPerSecond)} events/s, ` +
          `p50 ${fixed.p50} ms, p99 ${fixed.p99} ms at ${FIXED_RATE}/s, ${Math.round(saturated.cpuServiceUs)} + ` +
          `${Math.round(saturated.cpuPostgresUs)} µs CPU/event (service + postgres), ` +
          `${Math.round(saturated.walBytes)} WAL B/event, ${saturated.commits.toFixed(2)} commits/event, ` +
          `${saturated.statements.toFixed(2)} statements/event ` +
          `(at ${FIXED_RATE}/s: ${Math.round(fixed.cpuServiceUs)} + ${Math.round(fixed.cpuPostgresUs)} µs, ` +
          `${fixed.commits.toFixed(2)} commits/event, ${fixed.statements.toFixed(2)} statements/event) ` +
          `(${saturated.delivered}/${saturated.emitted} delivered)`,
      );
      await logWalBreakdown(saturated);
      runs.push({ saturated, fixed });
    } finally {
      await service?.stop();
      await receiver.call('close', undefined).catch(() => {});
      await receiver.stop();
      await db.drop();
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const m = (f: (w: { saturated: Window; fixed: Window }) => number) => median(runs.map(f));
  return {
    name,
    eventsPerSecond: m((r) => r.saturated.eventsPerSecond),
    p99AtFixed: m((r) => r.fixed.p99),
    p50AtFixed: m((r) => r.fixed.p50),
    cpuServiceUs: m((r) => r.saturated.cpuServiceUs),
    cpuPostgresUs: m((r) => r.saturated.cpuPostgresUs),
    walBytesPerEvent: m((r) => r.saturated.walBytes),
    commitsPerEvent: m((r) => r.saturated.commits),
    statementsPerEvent: m((r) => r.saturated.statements),
  };
}

async function main() {
  const loadAtStart = currentLoad();
  await ensurePostgres(log);
  const wanted = (id: string) => only === null || only.includes(id);
  const results = [];
  if (wanted('one-node')) results.push(await measure('callhook, 1 node', await callhookNodes(1)));
  if (wanted('three-nodes'))
    results.push(await measure('callhook, 3 nodes', await callhookNodes(3)));
  if (wanted('graphile')) results.push(await measure('graphile-worker baseline', graphile));
  const info = machineInfo(loadAtStart);
  console.log(
    `\nmachine: ${info.cpuModel}, ${info.cores} cores, ${info.totalMemoryMb} MB, node ${info.node}; ` +
      `load ${info.loadAverage.start.join('/')} → ${info.loadAverage.end.join('/')}; ` +
      `window ${WINDOW_S} s, ${repeats} run(s) each, medians\n`,
  );
  console.log(
    `| | events/s | p99 at ${FIXED_RATE.toLocaleString('en-US')}/s |` +
      ' CPU µs/event: service | postgres | total | WAL B/event | commits/event | statements/event |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    console.log(
      `| ${r.name} | ${Math.round(r.eventsPerSecond).toLocaleString('en-US')} | ${r.p99AtFixed} ms | ` +
        `${Math.round(r.cpuServiceUs)} | ${Math.round(r.cpuPostgresUs)} | ` +
        `${Math.round(r.cpuServiceUs + r.cpuPostgresUs)} | ${Math.round(r.walBytesPerEvent)} | ` +
        `${r.commitsPerEvent.toFixed(2)} | ` +
        `${Number.isNaN(r.statementsPerEvent) ? '—' : r.statementsPerEvent.toFixed(2)} |`,
    );
  }
}

await main();
