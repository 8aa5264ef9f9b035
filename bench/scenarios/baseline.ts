import { repeatEndToEnd } from '../lib/end-to-end-repeats.ts';
import { FIXED_EVENTS_PER_SECOND } from '../lib/end-to-end-run.ts';
import { FigureRuns } from '../lib/figures.ts';
import { ensureRedis, REDIS } from '../lib/redis-server.ts';
import { startBaseline } from '../processes/baseline.ts';
import { END_TO_END_FIGURES, endToEndFigures } from './end-to-end.ts';
import { measured, notMeasured, type Scenario } from './scenario.ts';

// 7. The same end-to-end measurement against the common alternative: callhook's API and SQLite
// log, then a BullMQ job per event and an undici POST signed the same way (processes/
// baseline-main.ts). Same load, same verifying receiver, same invocation. callhook's figures
// are then given as multiples of the baseline's.

/** BullMQ worker concurrency: the in-flight POSTs callhook allows per endpoint (16) × 4. */
export const BASELINE_WORKER_CONCURRENCY = 64;

export const baseline: Scenario = {
  id: 'baseline',
  number: 7,
  title: 'Baseline: BullMQ job per event + undici POST (same API, SQLite, receiver)',
  async run({ profile, from, log, earlier }) {
    const redisDown = await ensureRedis(log);
    if (redisDown) return notMeasured('skipped', redisDown);
    const runs = new FigureRuns({
      ...END_TO_END_FIGURES,
      throughputMultiple: { label: 'callhook ÷ baseline: events/s sustained', unit: 'x' },
      fixedP99Multiple: {
        label: `callhook ÷ baseline: p99 at ${FIXED_EVENTS_PER_SECOND} events/s (below 1: callhook faster)`,
        unit: 'x',
      },
    });
    const notes = await repeatEndToEnd(profile, log, {
      name: 'baseline',
      mode: 'verify',
      start: (receiverUrl) =>
        startBaseline({
          from,
          receiverUrl,
          redis: REDIS,
          workerConcurrency: BASELINE_WORKER_CONCURRENCY,
        }),
      async connect(app, receiver) {
        await receiver.call('useSecret', { secret: app.secret });
        return app.url;
      },
      progress: (run) => `p99 ${run.fixed.latency.p99} ms at ${FIXED_EVENTS_PER_SECOND}/s`,
      add: (run) => runs.add(endToEndFigures(run)),
    });
    // Multiples of medians, both from this invocation.
    const callhook = earlier.find((s) => s.id === 'end-to-end');
    const median = (key: string) => callhook?.figures.find((f) => f.key === key)?.median ?? null;
    const ours = { rate: median('saturatedEventsPerSecond'), p99: median('fixedP99') };
    const theirs = { rate: runs.median('saturatedEventsPerSecond'), p99: runs.median('fixedP99') };
    runs.add({
      throughputMultiple: ours.rate !== null && theirs.rate ? ours.rate / theirs.rate : null,
      fixedP99Multiple: ours.p99 !== null && theirs.p99 ? ours.p99 / theirs.p99 : null,
    });
    if (callhook?.status !== 'measured') {
      notes.push('no multiples: the end-to-end scenario (3) was not measured in this invocation');
    }
    return measured(
      {
        concurrency: profile.concurrency,
        windowSeconds: profile.windowSeconds,
        repeats: profile.repeats,
        workerConcurrency: BASELINE_WORKER_CONCURRENCY,
        jobOptions: 'attempts 10, exponential backoff 1 s, removeOnComplete',
      },
      runs.figures(),
      notes,
    );
  },
};
