// `npm run bench:sip` — the SIP front end under steady load (issue 14, item 7). For each call
// rate: a fresh `callhook serve --sip udp:127.0.0.1:<port>` with one endpoint on the verifying
// receiver, a room per call, and sipp placing calls at that rate — INVITE, ACK, hold
// (re-INVITE sendonly), unhold (sendrecv), INFO DTMF `Signal=5`, BYE. Reports calls/s
// achieved, events/s delivered, INVITE→200 p50/p99 (sipp's own `-trace_rtt` measures, 1 ms
// resolution), failed calls, and checks every call's seven events were logged exactly and
// delivered (count per type). Exits 1 when any call failed or any event is missing.
//
//   npm run bench:sip -- [--quick] [--rates 20,60] [--seconds 30] [--from dist|source]
//                        [--transport udp|tcp]
import { parseArgs } from 'node:util';
import { summarizeSorted } from '../packages/server/src/simulate/latency-recorder.ts';
import { FULL_CALL_EVENTS } from '../packages/server/test/sip/support/full-call.ts';
import { buildDist } from './lib/build-dist.ts';
import { currentLoad, machineInfo } from './lib/machine-info.ts';
import { checkSipCalls, type LoggedEvent } from './lib/sip-call-check.ts';
import { runSippLoad, type SippCall, splitRate } from './lib/sipp-load.ts';
import { addVerifyingEndpoint } from './lib/verifying-endpoint.ts';
import { spawnReceiver } from './processes/receiver.ts';
import { BENCH_API_KEY, type ServerFrom, startServerProcess } from './processes/server-process.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

const USAGE =
  'usage: npm run bench:sip -- [--quick] [--rates 20,60] [--seconds N] [--from dist|source] [--transport udp|tcp]';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rates: { type: 'string', default: '20,60' },
    seconds: { type: 'string' },
    from: { type: 'string', default: 'dist' },
    transport: { type: 'string', default: 'udp' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const rates = values.rates.split(',').map(Number);
const seconds = Number(values.seconds ?? (values.quick ? 3 : 30));
const from = values.from as ServerFrom;
const transport = values.transport as 'udp' | 'tcp';
if (
  rates.some((r) => !(r > 0 && r <= 1000)) ||
  !(seconds > 0 && seconds <= 600) ||
  (from !== 'dist' && from !== 'source') ||
  (transport !== 'udp' && transport !== 'tcp')
) {
  console.error(
    `bench:sip: rates must be 1-1000 calls/s, seconds 1-600, from dist or source, transport udp or tcp\n${USAGE}`,
  );
  process.exit(2);
}

interface StepResult {
  rate: number;
  sources: number;
  calls: number;
  successful: number;
  failed: number;
  callsPerSecond: number;
  wallSeconds: number;
  delivered: number;
  eventsPerSecond: number;
  inviteToOk: ReturnType<typeof summarizeSorted>;
  check: ReturnType<typeof checkSipCalls>;
  invalid: number;
  duplicates: number;
  errors: string[];
}

async function step(rate: number): Promise<StepResult> {
  const receiver = spawnReceiver();
  const server = await startServerProcess(from, [
    '--allow-private-targets',
    '--no-console',
    '--sip',
    `${transport}:127.0.0.1:0`,
  ]);
  try {
    const sipMatch = /sip: (?:udp|tcp):([\d.]+):(\d+)/.exec(server.output());
    if (!sipMatch) throw new Error(`callhook serve printed no sip address:\n${server.output()}`);
    const target = { address: sipMatch[1]!, port: Number(sipMatch[2]) };
    await addVerifyingEndpoint(server.url, receiver);

    const count = Math.round(rate * seconds);
    const calls: SippCall[] = Array.from({ length: count }, (_, i) => ({
      user: `caller-${i}`,
      room: `r${i}`,
    }));
    for (const { room } of calls) await api(server.url, 'POST', '/v1/sip/rooms', roomBody(room));
    const { sources } = splitRate(rate);
    log(`${rate} calls/s: ${count} calls from ${sources} sipp source(s)…`);

    const load = await runSippLoad({ target, rate, calls, transport });
    const logged = await eventLog(server.url);
    const stats = await receiver.call('waitFor', { count: logged.length, timeoutMs: 60_000 });
    const arrivals = await receiver.call('arrivals', undefined);
    const check = checkSipCalls(logged, arrivals);

    const rtt = load.instances.flatMap((i) => i.inviteToOkMs);
    const callsPerSecond = load.instances.reduce((sum, i) => {
      const span = (Math.max(...i.answeredAtMs) - Math.min(...i.answeredAtMs)) / 1000;
      return sum + (i.answeredAtMs.length > 1 && span > 0 ? (i.answeredAtMs.length - 1) / span : 0);
    }, 0);
    const span = ((stats.lastAtMs ?? 0) - (stats.firstAtMs ?? 0)) / 1000;
    return {
      rate,
      sources,
      calls: count,
      successful: load.instances.reduce((sum, i) => sum + i.successful, 0),
      failed: load.instances.reduce((sum, i) => sum + i.failed, 0),
      callsPerSecond,
      wallSeconds: load.wallSeconds,
      delivered: stats.received,
      eventsPerSecond: span > 0 ? stats.received / span : 0,
      inviteToOk: summarizeSorted(Float64Array.from(rtt).sort()),
      check,
      invalid: stats.invalid,
      duplicates: stats.duplicates,
      errors: load.instances
        .filter((i) => i.code !== 0)
        .map((i) => `sipp from ${i.source} exited ${i.code}:\n${i.errors.slice(0, 3000)}`),
    };
  } finally {
    await server.stop();
    await receiver.call('close', undefined).catch(() => {});
    await receiver.stop();
  }
}

function roomBody(room: string) {
  return { room, streamId: 'stream-sip-bench', threadId: `thread-${room}` };
}

async function api(base: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${BENCH_API_KEY}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** The whole event log, in order. */
async function eventLog(base: string): Promise<LoggedEvent[]> {
  const all: LoggedEvent[] = [];
  let after: string | undefined;
  for (;;) {
    const page = (await api(
      base,
      'GET',
      `/v1/events?limit=500${after ? `&after=${after}` : ''}`,
    )) as { events: LoggedEvent[]; nextCursor: string };
    all.push(...page.events.map(({ callId, seq, type }) => ({ callId, seq, type })));
    if (page.events.length < 500) return all;
    after = page.nextCursor;
  }
}

const ms = (x: number | null) => (x === null ? '–' : `${x} ms`);
const n = (x: number) => Math.round(x).toLocaleString('en-US');

async function main(): Promise<void> {
  const loadAtStart = currentLoad();
  if (from === 'dist') buildDist('bench:sip', log);
  const results: StepResult[] = [];
  for (const rate of rates) results.push(await step(rate));
  const info = machineInfo(loadAtStart);
  console.log(
    `\nmachine: ${info.cpuModel}, ${info.cores} cores, ${info.totalMemoryMb} MB, node ${info.node}; ` +
      `load ${info.loadAverage.start.join('/')} → ${info.loadAverage.end.join('/')}; ` +
      `${seconds} s of calls per rate over ${transport.toUpperCase()}, callhook from ${from}\n`,
  );
  console.log(
    '| offered calls/s | sipp sources | calls | failed | calls/s achieved | events delivered | events/s delivered | INVITE→200 p50 | p99 | max | calls exact |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    console.log(
      `| ${r.rate} | ${r.sources} | ${n(r.calls)} | ${r.failed} | ${r.callsPerSecond.toFixed(1)} | ` +
        `${n(r.delivered)} | ${n(r.eventsPerSecond)} | ${ms(r.inviteToOk.p50)} | ` +
        `${ms(r.inviteToOk.p99)} | ${ms(r.inviteToOk.max)} | ${n(r.check.exactCalls)}/${n(r.calls)} |`,
    );
  }
  let bad = false;
  for (const r of results) {
    const types = FULL_CALL_EVENTS.map(
      (t) => `${t} ${r.check.byType[t]?.delivered ?? 0}/${r.check.byType[t]?.logged ?? 0}`,
    ).join(', ');
    console.log(
      `\n${r.rate} calls/s: ${r.successful} successful, ${r.failed} failed in ${r.wallSeconds.toFixed(1)} s; ` +
        `delivered/logged per type: ${types}; lost ${r.check.lost}, unknown arrivals ` +
        `${r.check.unknownArrivals}, bad signatures ${r.invalid}, duplicates ${r.duplicates}; ` +
        `${r.inviteToOk.count} INVITE→200 samples`,
    );
    const exact =
      r.failed === 0 &&
      r.check.calls === r.calls &&
      r.check.exactCalls === r.calls &&
      r.check.lost === 0 &&
      r.check.unknownArrivals === 0 &&
      r.invalid === 0 &&
      r.errors.length === 0;
    if (!exact) {
      bad = true;
      console.log(`  NOT EXACT: ${r.check.calls} calls in the log`);
      for (const example of r.check.examples) console.log(`  ${example}`);
      for (const error of r.errors) console.log(`  ${error}`);
    }
  }
  if (bad) process.exit(1);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`bench:sip: ${signal}, stopping`);
    process.exit(130);
  });
}
await main();
