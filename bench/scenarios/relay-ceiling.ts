import { endToEndSettings, repeatEndToEnd } from '../lib/end-to-end-repeats.ts';
import { FIXED_EVENTS_PER_SECOND } from '../lib/end-to-end-run.ts';
import { FigureRuns } from '../lib/figures.ts';
import { spawnRelay } from '../processes/relay.ts';
import { measured, type Scenario } from './scenario.ts';

// 8. The physical limit of "a service in the middle" on this machine: scenario 3's load and
// windows against a relay that does nothing but forward (processes/relay-main.ts): each
// command in becomes one event-sized POST to the receiver, answered before the command is.
// No storage, no signing, so the receiver records without verifying. Numbered 8, not 1b:
// the numbers 1–7 keep their meaning in older results, and a results file's `number` is an
// integer. It runs right after scenario 3, so the two are measured on the machine as it is.

export const RELAY_CEILING_FIGURES = {
  // The same key as scenario 3's, so the two compare by name (lib/ceiling-ratios.ts).
  saturatedEventsPerSecond: { label: 'events/s sustained (saturation)', unit: 'events/s' },
  saturatedCommandP99: { label: 'command p99 at saturation (its POST included)', unit: 'ms' },
  fixedEventsPerSecond: {
    label: `events/s delivered at ${FIXED_EVENTS_PER_SECOND} offered`,
    unit: 'events/s',
  },
  fixedCommandP99: {
    label: `command p99 at ${FIXED_EVENTS_PER_SECOND} events/s (its POST included)`,
    unit: 'ms',
  },
} as const;

export const relayCeiling: Scenario = {
  id: 'relay-ceiling',
  number: 8,
  title: 'Relay ceiling: node:http in → one undici POST out per command, nothing else',
  async run({ profile, log }) {
    const runs = new FigureRuns(RELAY_CEILING_FIGURES);
    const notes = await repeatEndToEnd(profile, log, {
      name: 'relay-ceiling',
      mode: 'record',
      // A fresh relay per run, as scenario 3 starts a fresh server per run.
      start: () => spawnRelay(),
      async connect(relay, _receiver, receiverUrl) {
        const { url } = await relay.call('listen', {
          target: receiverUrl,
          connections: profile.concurrency,
        });
        return url;
      },
      // Scenario 3's seeds: the same calls and commands, each counted as one event.
      load: { oneEventPerCommand: true },
      progress: (run) =>
        `command p99 ${run.fixed.commandLatency.p99} ms at ${FIXED_EVENTS_PER_SECOND}/s`,
      add: (run) =>
        runs.add({
          saturatedEventsPerSecond: run.saturated.eventsPerSecond,
          saturatedCommandP99: run.saturated.commandLatency.p99,
          fixedEventsPerSecond: run.fixed.eventsPerSecond,
          fixedCommandP99: run.fixed.commandLatency.p99,
        }),
    });
    return measured(
      { ...endToEndSettings(profile), eventsPerCommand: 1, relayConnections: profile.concurrency },
      runs.figures(),
      notes,
    );
  },
};
