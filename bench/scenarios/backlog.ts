import { callScript } from '../../packages/server/src/simulate/call-script.ts';
import { DEFAULT_MIX } from '../../packages/server/src/simulate/traffic-mix.ts';
import { FigureRuns } from '../lib/figures.ts';
import { assertClean, driveLoad } from '../lib/load.ts';
import { monotonicMs } from '../lib/monotonic-clock.ts';
import { RssSampler } from '../lib/rss-sampler.ts';
import { addVerifyingEndpoint } from '../lib/verifying-endpoint.ts';
import { spawnReceiver } from '../processes/receiver.ts';
import { startServerProcess } from '../processes/server-process.ts';
import { measured, type Scenario } from './scenario.ts';

// 6. The receiver is down (its port refuses connections) while N events accumulate, then it
// comes back on the same port. Measured: how fast the backlog drains (from the first arrival
// after the receiver is up to the last), how long until the first arrival, and the server's
// RSS — before, with the backlog full, at its peak, drained, and settled: V8 collects the
// drain's old-generation garbage only once the process idles (its memory reducer), so the
// RSS at the last arrival and the RSS some seconds later differ by the garbage.

/** Retry every 5 s (100 entries, the most a schedule takes): 495 s of patience per event, so
 * nothing is given up while the backlog builds, and the drain starts ≤ 5.5 s after "up". */
export const BACKLOG_RETRY_SCHEDULE = ['0', ...Array.from({ length: 99 }, () => '5s')].join(',');
/** The accumulation must end well inside the schedule's patience. */
const ACCUMULATE_LIMIT_SECONDS = 400;
/** The drain is waited for this long at most. */
const DRAIN_LIMIT_MS = 900_000;
/** How long after the drain the settled RSS is read (the server idles meanwhile). */
const SETTLE_MS = 30_000;

/** How many default-mix calls make at least `events` events (scripts are deterministic). */
export function callsForEvents(seed: number, events: number): number {
  let total = 0;
  let calls = 0;
  while (total < events) total += callScript(seed, calls++, DEFAULT_MIX).events;
  return calls;
}

export const backlog: Scenario = {
  id: 'backlog',
  number: 6,
  title: 'Backlog: receiver down while events accumulate, then up',
  async run({ profile, from, log, earlier }) {
    const runs = new FigureRuns({
      drainEventsPerSecond: { label: 'drain rate', unit: 'events/s' },
      drainVsEndToEnd: { label: 'drain rate ÷ end-to-end sustained rate', unit: 'x' },
      firstArrivalSeconds: { label: 'receiver up → first delivery', unit: 's' },
      rssBeforeMb: { label: 'RSS before the backlog', unit: 'MB' },
      rssFullMb: { label: 'RSS with the backlog accumulated', unit: 'MB' },
      rssPeakMb: { label: 'peak RSS (whole scenario)', unit: 'MB' },
      rssDrainedMb: { label: 'RSS after the drain', unit: 'MB' },
      rssDrainedVsBefore: { label: 'RSS after the drain ÷ RSS before', unit: 'x' },
      rssSettledMb: { label: `RSS ${SETTLE_MS / 1000} s after the drain`, unit: 'MB' },
      rssSettledVsBefore: { label: `RSS ${SETTLE_MS / 1000} s after ÷ RSS before`, unit: 'x' },
      accumulated: { label: 'events accumulated', unit: 'count' },
    });
    const e2e =
      earlier
        .find((s) => s.id === 'end-to-end')
        ?.figures.find((f) => f.key === 'saturatedEventsPerSecond')?.median ?? null;
    const notes: string[] = [];
    const receiver = spawnReceiver();
    try {
      for (let i = 0; i < profile.backlogRepeats; i++) {
        const seed = 6000 + i;
        const server = await startServerProcess(from, [
          '--allow-private-targets',
          '--retry-schedule',
          BACKLOG_RETRY_SCHEDULE,
        ]);
        const rss = new RssSampler(server.pid).start();
        try {
          const { port, secret } = await addVerifyingEndpoint(server.url, receiver);
          await receiver.call('close', undefined); // down: connections refused
          const rssBefore = rss.sample();

          const r = await driveLoad({
            url: server.url,
            seconds: ACCUMULATE_LIMIT_SECONDS,
            calls: callsForEvents(seed, profile.backlogEvents),
            concurrency: profile.concurrency,
            seed,
            log,
          });
          assertClean(r, 'backlog accumulation');
          const rssFull = rss.sample();
          log(
            `backlog run ${i + 1}/${profile.backlogRepeats}: ${r.events} events accumulated in ${(r.durationMs / 1000).toFixed(1)} s; receiver up`,
          );

          await receiver.call('reset', undefined);
          await receiver.call('listen', { mode: 'verify', secret, port });
          const upAt = monotonicMs();
          const stats = await receiver.call('waitFor', {
            count: r.events,
            timeoutMs: DRAIN_LIMIT_MS,
          });
          const rssDrained = rss.sample();
          await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
          const rssSettled = rss.sample();
          const drainMs = (stats.lastAtMs ?? 0) - (stats.firstAtMs ?? 0);
          const drainRate = drainMs > 0 ? stats.received / (drainMs / 1000) : 0;
          notes.push(
            `run ${i + 1}: ${stats.received}/${r.events} events delivered after the receiver came back` +
              `, ${stats.invalid} bad signatures, ${stats.duplicates} duplicates`,
          );
          log(
            `backlog run ${i + 1}: drained ${stats.received}/${r.events} at ${Math.round(drainRate)} events/s, peak RSS ${rss.peak().toFixed(0)} MB`,
          );
          runs.add({
            drainEventsPerSecond: drainRate,
            drainVsEndToEnd: e2e ? drainRate / e2e : null,
            firstArrivalSeconds: stats.firstAtMs === null ? null : (stats.firstAtMs - upAt) / 1000,
            rssBeforeMb: rssBefore,
            rssFullMb: rssFull,
            rssPeakMb: rss.peak(),
            rssDrainedMb: rssDrained,
            rssDrainedVsBefore: rssDrained / rssBefore,
            rssSettledMb: rssSettled,
            rssSettledVsBefore: rssSettled / rssBefore,
            accumulated: r.events,
          });
        } finally {
          rss.stop();
          await receiver.call('close', undefined);
          await server.stop();
        }
      }
    } finally {
      await receiver.stop();
    }
    if (e2e === null)
      notes.push('no drain ÷ end-to-end: scenario 3 was not measured in this invocation');
    return measured(
      {
        events: profile.backlogEvents,
        repeats: profile.backlogRepeats,
        concurrency: profile.concurrency,
        retrySchedule: '0, then 5 s × 99',
        accumulateLimitSeconds: ACCUMULATE_LIMIT_SECONDS,
        settleSeconds: SETTLE_MS / 1000,
      },
      runs.figures(),
      notes,
    );
  },
};
