import { FigureRuns } from '../lib/figures.ts';
import { assertClean, commandsPerSecond, driveLoad, eventsPerSecond } from '../lib/load.ts';
import { startServerProcess } from '../processes/server-process.ts';
import { measured, type Scenario } from './scenario.ts';

// 2. Control-API commands/s into `callhook serve`, no endpoint subscribed: with its default
// durability (an acknowledged command survives kill -9) and with --durability strict (fsync
// at every commit). Each run starts a fresh server on a fresh data directory.

const MODES = ['default', 'strict'] as const;

export const ingest: Scenario = {
  id: 'ingest',
  number: 2,
  title: 'Ingest: control-API commands into callhook serve',
  async run({ profile, from, log }) {
    const runs = new FigureRuns({
      defaultCommands: { label: 'durability default: commands/s', unit: 'commands/s' },
      defaultEvents: { label: 'durability default: events/s', unit: 'events/s' },
      defaultP99: { label: 'durability default: command p99', unit: 'ms' },
      strictCommands: { label: 'durability strict: commands/s', unit: 'commands/s' },
      strictEvents: { label: 'durability strict: events/s', unit: 'events/s' },
      strictP99: { label: 'durability strict: command p99', unit: 'ms' },
    });
    for (let i = 0; i < profile.repeats; i++) {
      // Alternating modes inside each repeat spreads any drift in machine load over both.
      for (const mode of MODES) {
        const server = await startServerProcess(from, ['--durability', mode]);
        try {
          await driveLoad({
            url: server.url,
            seconds: profile.warmupSeconds,
            concurrency: profile.concurrency,
            seed: 1000 + i,
          });
          const r = await driveLoad({
            url: server.url,
            seconds: profile.windowSeconds,
            concurrency: profile.concurrency,
            seed: i + 1,
          });
          assertClean(r, `ingest (${mode})`);
          const commands = commandsPerSecond(r);
          log(
            `ingest ${mode} run ${i + 1}/${profile.repeats}: ${Math.round(commands)} commands/s, p99 ${r.latency.p99} ms`,
          );
          runs.add({
            [`${mode}Commands`]: commands,
            [`${mode}Events`]: eventsPerSecond(r),
            [`${mode}P99`]: r.latency.p99,
          });
        } finally {
          await server.stop();
        }
      }
    }
    return measured(
      {
        concurrency: profile.concurrency,
        windowSeconds: profile.windowSeconds,
        warmupSeconds: profile.warmupSeconds,
        repeats: profile.repeats,
        mix: 'simulate default (one-to-one=50,conference=20,unanswered=10,ivr=20)',
      },
      runs.figures(),
    );
  },
};
