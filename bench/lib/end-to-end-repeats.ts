import { type Receiver, spawnReceiver } from '../processes/receiver.ts';
import type { BenchProfile } from './bench-options.ts';
import {
  describeWindow,
  type EndToEndRun,
  FIXED_EVENTS_PER_SECOND,
  measureEndToEnd,
} from './end-to-end-run.ts';
import type { LoadOptions } from './load.ts';

// Scenarios 3, 7 and 8 measure alike: one receiver for the scenario, a fresh service in front
// of it for each repeat, the same seeds (3000 + 10 × run) so every service sees the same load,
// and both windows of each run described in the notes.

export interface EndToEndRepeats<S extends { stop(): Promise<void> }> {
  /** Names the runs in the progress log. */
  name: string;
  /** `verify`: the service signs, and `connect` gives the receiver the secret; `record`: unsigned. */
  mode: 'verify' | 'record';
  /** Starts the service under test for one run; it sends its webhooks to `receiverUrl`. */
  start(receiverUrl: string): S | Promise<S>;
  /** Readies the started service and the receiver for each other; returns where commands go. */
  connect(service: S, receiver: Receiver, receiverUrl: string): Promise<string>;
  load?: Pick<LoadOptions, 'oneEventPerCommand'>;
  /** The end of a run's progress line, after its events/s sustained. */
  progress(run: EndToEndRun): string;
  /** Takes a run's figures. */
  add(run: EndToEndRun): void;
}

/** Runs `profile.repeats` end-to-end measurements; returns the notes on their windows. */
export async function repeatEndToEnd<S extends { stop(): Promise<void> }>(
  profile: BenchProfile,
  log: (line: string) => void,
  repeats: EndToEndRepeats<S>,
): Promise<string[]> {
  const notes: string[] = [];
  const signed = repeats.mode === 'verify';
  const receiver = spawnReceiver();
  try {
    for (let i = 0; i < profile.repeats; i++) {
      const { port } = await receiver.call('listen', { mode: repeats.mode });
      const receiverUrl = `http://127.0.0.1:${port}/webhooks`;
      let service: S | undefined;
      try {
        service = await repeats.start(receiverUrl);
        const url = await repeats.connect(service, receiver, receiverUrl);
        const run = await measureEndToEnd(url, receiver, profile, 3000 + 10 * i, repeats.load);
        log(
          `${repeats.name} run ${i + 1}/${profile.repeats}: ` +
            `${Math.round(run.saturated.eventsPerSecond)} events/s sustained, ${repeats.progress(run)}`,
        );
        const fixedName = `run ${i + 1} at ${FIXED_EVENTS_PER_SECOND}/s`;
        notes.push(describeWindow(fixedName, run.fixed, signed));
        notes.push(describeWindow(`run ${i + 1} saturated`, run.saturated, signed));
        repeats.add(run);
      } finally {
        await service?.stop();
        await receiver.call('close', undefined);
      }
    }
  } finally {
    await receiver.stop();
  }
  return notes;
}

/** The settings every end-to-end measurement records. */
export function endToEndSettings(profile: BenchProfile) {
  return {
    concurrency: profile.concurrency,
    windowSeconds: profile.windowSeconds,
    warmupSeconds: profile.warmupSeconds,
    repeats: profile.repeats,
    fixedEventsPerSecond: FIXED_EVENTS_PER_SECOND,
  };
}
