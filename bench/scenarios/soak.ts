// Soak (issue 11 item 1): `callhook serve --retention <short>` under steady load with a webhook
// endpoint, to show disk use flat once the retention window is full. Standalone, not part of
// `npm run bench` (it runs for a minute and is about a shape over time, not a rate):
//   node --conditions=source --import tsx bench/scenarios/soak.ts [--quick] [--seconds 60]
//     [--retention 5s] [--rate 400] [--sample 3] [--from source|dist]
// Prints, every few seconds, the database and WAL sizes, the events/s the receiver took and
// the age of the oldest event `GET /v1/events` still returns; then the min/max of each once
// the window is full, the events/s delivered over the whole run, and the machine.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { sweepInterval } from '../../packages/server/src/service/retention-sweeper.ts';
import { assertClean, driveLoad } from '../lib/load.ts';
import { currentLoad, machineInfo } from '../lib/machine-info.ts';
import { addVerifyingEndpoint } from '../lib/verifying-endpoint.ts';
import { spawnReceiver } from '../processes/receiver.ts';
import { BENCH_API_KEY, type ServerFrom, startServerProcess } from '../processes/server-process.ts';
import { durationMs, megabytes, type SoakSample, summarizeSoak } from './soak-summary.ts';

interface SoakOptions {
  seconds: number;
  retention: string;
  /** Events per second offered (paced), steady for the whole run. */
  rate: number;
  sampleSeconds: number;
  from: ServerFrom;
}

function parseOptions(args: readonly string[]): SoakOptions {
  const quick = args.includes('--quick');
  const option = (name: string, fallback: string) => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
  };
  const number = (name: string, fallback: string) => {
    const value = Number(option(name, fallback));
    if (!(value > 0)) throw new Error(`${name} must be a positive number`);
    return value;
  };
  const from = option('--from', 'source');
  if (from !== 'source' && from !== 'dist') throw new Error('--from is source or dist');
  return {
    seconds: number('--seconds', quick ? '15' : '60'),
    retention: option('--retention', quick ? '3s' : '5s'),
    rate: number('--rate', quick ? '300' : '400'),
    sampleSeconds: number('--sample', quick ? '1' : '3'),
    from,
  };
}

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // no WAL between a truncating checkpoint and the next write
  }
}

/** Age in seconds of the oldest event the API still returns (a reader without a cursor starts there). */
async function oldestReadableSeconds(serverUrl: string): Promise<number | null> {
  const res = await request(`${serverUrl}/v1/events?limit=1`, {
    headers: { authorization: `Bearer ${BENCH_API_KEY}` },
  });
  const body = (await res.body.json()) as { events?: { occurredAt: number }[] };
  if (res.statusCode !== 200) throw new Error(`GET /v1/events answered ${res.statusCode}`);
  const oldest = body.events?.[0];
  return oldest ? (Date.now() - oldest.occurredAt) / 1000 : null;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const retentionMs = durationMs(options.retention);
  const loadAtStart = currentLoad();
  console.log(
    `soak: --retention ${options.retention}, ${options.rate} events/s offered for ${options.seconds} s, ` +
      `a sample every ${options.sampleSeconds} s; server from ${options.from}`,
  );
  const receiver = spawnReceiver();
  const server = await startServerProcess(options.from, [
    '--allow-private-targets',
    '--retention',
    options.retention,
  ]);
  const db = join(server.dataDir, 'callhook.db');
  const samples: SoakSample[] = [];
  try {
    await addVerifyingEndpoint(server.url, receiver);

    const started = performance.now();
    let lastReceived = 0;
    let lastAt = started;
    let sampling = Promise.resolve();
    const takeSample = async () => {
      const now = performance.now();
      const { received } = await receiver.call('stats', undefined);
      const sample: SoakSample = {
        atSeconds: (now - started) / 1000,
        dbBytes: fileBytes(db),
        walBytes: fileBytes(`${db}-wal`),
        deliveredPerSecond: (received - lastReceived) / ((now - lastAt) / 1000),
        oldestReadableSeconds: await oldestReadableSeconds(server.url),
      };
      lastReceived = received;
      lastAt = now;
      samples.push(sample);
      console.log(
        `  ${sample.atSeconds.toFixed(0).padStart(4)} s  db ${megabytes(sample.dbBytes).padStart(6)} MB` +
          `  WAL ${megabytes(sample.walBytes).padStart(6)} MB` +
          `  delivered ${Math.round(sample.deliveredPerSecond).toString().padStart(5)} events/s` +
          `  oldest readable ${sample.oldestReadableSeconds?.toFixed(1) ?? '—'} s`,
      );
    };
    const timer = setInterval(() => {
      sampling = sampling.then(takeSample);
    }, options.sampleSeconds * 1000);
    const traffic = await driveLoad({
      url: server.url,
      seconds: options.seconds,
      concurrency: 32,
      seed: 9100,
      eventsPerSecond: options.rate,
    }).finally(() => clearInterval(timer));
    await sampling;
    assertClean(traffic, 'soak load');
    const loadSeconds = (performance.now() - started) / 1000;
    const stats = await receiver.call('waitFor', { count: traffic.events, timeoutMs: 60_000 });

    const summary = summarizeSoak(samples, retentionMs, sweepInterval(retentionMs));
    console.log(
      `\n${traffic.events.toLocaleString('en-US')} events emitted in ${loadSeconds.toFixed(1)} s ` +
        `(${Math.round(traffic.events / loadSeconds)} events/s); ${stats.received.toLocaleString('en-US')} delivered ` +
        `(${Math.round(stats.received / loadSeconds)} events/s over the load), ${stats.invalid} bad signatures, ` +
        `${stats.duplicates} duplicates`,
    );
    if (summary === null) {
      console.log(
        `no sample after the window was full (${(retentionMs + 2 * sweepInterval(retentionMs)) / 1000} s): run longer`,
      );
    } else {
      const mb = (r: { min: number; max: number }) =>
        `${megabytes(r.min)} – ${megabytes(r.max)} MB`;
      console.log(
        `once the window was full (from ${summary.fullFromSeconds} s, ${summary.samples} samples):\n` +
          `  database ${mb(summary.db)}\n  WAL      ${mb(summary.wal)}\n  db + WAL ${mb(summary.total)}\n` +
          `  oldest readable event ${summary.oldestReadableSeconds ? `${summary.oldestReadableSeconds.min.toFixed(1)} – ${summary.oldestReadableSeconds.max.toFixed(1)} s old` : '—'}` +
          ` (retention ${retentionMs / 1000} s, a sweep every ${sweepInterval(retentionMs) / 1000} s)`,
      );
    }
    const machine = machineInfo(loadAtStart);
    console.log(
      `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.totalMemoryMb} MB, Node ${machine.node}; ` +
        `load average ${machine.loadAverage.start.join(' ')} at start, ${machine.loadAverage.end.join(' ')} at end`,
    );
  } finally {
    await receiver.call('close', undefined).catch(() => {});
    await receiver.stop();
    await server.stop();
  }
}

await main();
