// Micro-benchmark of the command path of the PostgreSQL store, without HTTP or delivery: calls
// driven by CallService in waves of concurrent commands (one endpoint subscribed, so every event
// writes its delivery, and nothing sends them: the backlog of an endpoint that is down), as group
// commits make them. Prints, per command: wall time, this process's CPU, the PostgreSQL
// backends' CPU (from /proc), and the commands' latency. Run it at 5,000 and 40,000 commands:
// the cost per command must not grow with the backlog.
//
//   node --conditions=source --import tsx bench/micro/pg-ingest.ts [commands] [concurrent calls]
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { ManualClock } from '../../packages/server/src/clock.ts';
import { CallService } from '../../packages/server/src/service/call-service.ts';
import { openStore } from '../../packages/server/src/store/open-store.ts';
import { benchDatabase, cpuSeconds, ensurePostgres, postgresPids } from '../lib/postgres-server.ts';
import { benchEndpoint } from './bench-endpoint.ts';

const total = Number(process.argv[2] ?? 20_000);
const concurrent = Number(process.argv[3] ?? 16);
await ensurePostgres((line) => console.error(line));
const db = await benchDatabase();
const store = await openStore({ kind: 'postgres', url: db.url });
const clock = new ManualClock(Date.UTC(2026, 10, 24));
const service = new CallService({
  store: store.calls,
  clock,
  config: { idleTimeoutMs: 600_000, maxDurationMs: 86_400_000 },
});
await store.deliveries.createEndpoint(benchEndpoint(clock.now()));

const [THREAD, STREAM, U1, U2] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
const latencies: number[] = [];
let commands = 0;
const timed = async (run: () => Promise<unknown>) => {
  const t = performance.now();
  await run();
  latencies.push(performance.now() - t);
  commands++;
};
const drive = async (count: number) => {
  while (commands < count) {
    const wave: Promise<void>[] = [];
    for (let c = 0; c < concurrent; c++) {
      wave.push(
        (async () => {
          let callId = '';
          await timed(async () => {
            const created = await service.createCall({ threadId: THREAD, streamId: STREAM });
            if (!created.created) throw new Error(JSON.stringify(created));
            callId = created.call.callId;
          });
          for (const command of [
            { type: 'invite', userId: U1 },
            { type: 'invite', userId: U2 },
            { type: 'join', userId: U1 },
            { type: 'join', userId: U2 },
            { type: 'dtmf', digits: '12', userId: U1 },
            { type: 'end' },
          ] as const) {
            await timed(() => service.command(callId, command));
          }
        })(),
      );
    }
    await Promise.all(wave);
    clock.advance(1);
  }
};

await drive(Math.min(2_000, total / 5)); // warm-up: connections, plans, JIT
latencies.length = 0;
const start = commands;
const pids = [process.pid, ...postgresPids()];
const cpu0 = cpuSeconds(pids);
const t0 = performance.now();
await drive(start + total);
const wall = performance.now() - t0;
const cpu1 = cpuSeconds([...new Set([...pids, ...postgresPids()])]);
const used = (ps: number[]) =>
  ps.reduce((s, p) => s + ((cpu1.get(p) ?? 0) - (cpu0.get(p) ?? 0)), 0);
const n = commands - start;
const pgPids = [...cpu1.keys()].filter((p) => p !== process.pid);
latencies.sort((a, b) => a - b);
const pct = (q: number) => latencies[Math.floor(q * (latencies.length - 1))]!.toFixed(2);
service.stop();
await store.close();
await db.drop();
console.log(`${cpus()[0]?.model}, ${cpus().length} cores, Node ${process.version}`);
console.log(
  `${n} commands, ${concurrent} calls at once: ${((wall * 1000) / n).toFixed(0)} µs/command wall, ` +
    `CPU ${((used([process.pid]) / n) * 1e6).toFixed(0)} µs node + ` +
    `${((used(pgPids) / n) * 1e6).toFixed(0)} µs postgres; latency p50 ${pct(0.5)} ms, ` +
    `p99 ${pct(0.99)} ms`,
);
