import { createEndpoint } from '../lib/control-api.ts';
import {
  describeWindow,
  type EndToEndRun,
  FIXED_EVENTS_PER_SECOND,
  measureEndToEnd,
} from '../lib/end-to-end-run.ts';
import { FigureRuns } from '../lib/figures.ts';
import { spawnReceiver } from '../processes/receiver.ts';
import { BENCH_API_KEY, startServerProcess } from '../processes/server-process.ts';
import { measured, type Scenario } from './scenario.ts';

// 3. Commands in → signed webhooks out: `callhook serve` with one endpoint (the verifying
// receiver, on loopback via --allow-private-targets). Events/s sustained and the latency from
// each command's 2xx to its webhooks' arrival, at 1,000 events/s and at saturation.

export const END_TO_END_FIGURES = {
  saturatedEventsPerSecond: { label: 'events/s sustained (saturation)', unit: 'events/s' },
  saturatedP50: { label: 'latency p50 at saturation', unit: 'ms' },
  saturatedP95: { label: 'latency p95 at saturation', unit: 'ms' },
  saturatedP99: { label: 'latency p99 at saturation', unit: 'ms' },
  fixedEventsPerSecond: {
    label: `events/s delivered at ${FIXED_EVENTS_PER_SECOND} offered`,
    unit: 'events/s',
  },
  fixedP50: { label: `latency p50 at ${FIXED_EVENTS_PER_SECOND} events/s`, unit: 'ms' },
  fixedP95: { label: `latency p95 at ${FIXED_EVENTS_PER_SECOND} events/s`, unit: 'ms' },
  fixedP99: { label: `latency p99 at ${FIXED_EVENTS_PER_SECOND} events/s`, unit: 'ms' },
} as const;

export function endToEndFigures(run: EndToEndRun) {
  return {
    saturatedEventsPerSecond: run.saturated.eventsPerSecond,
    saturatedP50: run.saturated.latency.p50,
    saturatedP95: run.saturated.latency.p95,
    saturatedP99: run.saturated.latency.p99,
    fixedEventsPerSecond: run.fixed.eventsPerSecond,
    fixedP50: run.fixed.latency.p50,
    fixedP95: run.fixed.latency.p95,
    fixedP99: run.fixed.latency.p99,
  };
}

export const endToEnd: Scenario = {
  id: 'end-to-end',
  number: 3,
  title: 'End to end: commands in → verified webhooks out',
  async run({ profile, from, log }) {
    const runs = new FigureRuns(END_TO_END_FIGURES);
    const notes: string[] = [];
    const receiver = spawnReceiver();
    try {
      for (let i = 0; i < profile.repeats; i++) {
        const server = await startServerProcess(from, ['--allow-private-targets']);
        try {
          const { port } = await receiver.call('listen', { mode: 'verify' });
          const { secret } = await createEndpoint(
            server.url,
            BENCH_API_KEY,
            `http://127.0.0.1:${port}/webhooks`,
          );
          await receiver.call('useSecret', { secret });
          const run = await measureEndToEnd(server.url, receiver, profile, 3000 + 10 * i);
          log(
            `end-to-end run ${i + 1}/${profile.repeats}: ${Math.round(run.saturated.eventsPerSecond)} events/s sustained, ` +
              `p99 ${run.fixed.latency.p99} ms at ${FIXED_EVENTS_PER_SECOND}/s, ${run.saturated.latency.p99} ms at saturation`,
          );
          notes.push(describeWindow(`run ${i + 1} at ${FIXED_EVENTS_PER_SECOND}/s`, run.fixed));
          notes.push(describeWindow(`run ${i + 1} saturated`, run.saturated));
          runs.add(endToEndFigures(run));
        } finally {
          await receiver.call('close', undefined);
          await server.stop();
        }
      }
    } finally {
      await receiver.stop();
    }
    return measured(
      {
        concurrency: profile.concurrency,
        windowSeconds: profile.windowSeconds,
        warmupSeconds: profile.warmupSeconds,
        repeats: profile.repeats,
        fixedEventsPerSecond: FIXED_EVENTS_PER_SECOND,
      },
      runs.figures(),
      notes,
    );
  },
};
