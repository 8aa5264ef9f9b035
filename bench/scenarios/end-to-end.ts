import { createEndpoint } from '../lib/control-api.ts';
import { endToEndSettings, repeatEndToEnd } from '../lib/end-to-end-repeats.ts';
import { type EndToEndRun, FIXED_EVENTS_PER_SECOND } from '../lib/end-to-end-run.ts';
import { FigureRuns } from '../lib/figures.ts';
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
    const notes = await repeatEndToEnd(profile, log, {
      name: 'end-to-end',
      mode: 'verify',
      start: () => startServerProcess(from, ['--allow-private-targets']),
      async connect(server, receiver, receiverUrl) {
        const { secret } = await createEndpoint(server.url, BENCH_API_KEY, receiverUrl);
        await receiver.call('useSecret', { secret });
        return server.url;
      },
      progress: (run) =>
        `p99 ${run.fixed.latency.p99} ms at ${FIXED_EVENTS_PER_SECOND}/s, ${run.saturated.latency.p99} ms at saturation`,
      add: (run) => runs.add(endToEndFigures(run)),
    });
    return measured(endToEndSettings(profile), runs.figures(), notes);
  },
};
