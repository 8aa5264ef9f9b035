import { type CallScript, callScript } from '../../packages/server/src/simulate/call-script.ts';
import {
  type CommandAck,
  runTraffic,
  type TrafficResult,
} from '../../packages/server/src/simulate/traffic-driver.ts';
import { DEFAULT_MIX } from '../../packages/server/src/simulate/traffic-mix.ts';
import { BENCH_API_KEY } from '../processes/server-process.ts';

// The bench's load is `callhook simulate`'s traffic (the default mix), run in the bench's own
// process: bounded by a time window and by a call count that the window never reaches.

export interface LoadOptions {
  url: string;
  seconds: number;
  concurrency: number;
  seed: number;
  eventsPerSecond?: number;
  onAck?: (ack: CommandAck) => void;
  scriptOf?: Parameters<typeof runTraffic>[0]['scriptOf'];
  /** Count (and pace) every command as one event: the relay of scenario 8 emits one each. */
  oneEventPerCommand?: boolean;
  calls?: number;
  /** For long loads: a progress line every 10 s. */
  log?: (line: string) => void;
}

export function driveLoad(options: LoadOptions): Promise<TrafficResult> {
  const scriptOf = options.scriptOf ?? ((i: number) => callScript(options.seed, i, DEFAULT_MIX));
  return runTraffic({
    server: new URL(options.url),
    apiKey: BENCH_API_KEY,
    calls: options.calls ?? 10_000_000,
    concurrency: options.concurrency,
    seed: options.seed,
    mix: DEFAULT_MIX,
    timeLimitMs: Math.round(options.seconds * 1000),
    scriptOf: options.oneEventPerCommand ? (i) => oneEventPerCommand(scriptOf(i)) : scriptOf,
    ...(options.eventsPerSecond !== undefined && {
      rate: { perSecond: options.eventsPerSecond, unit: 'events' as const },
    }),
    ...(options.onAck && { onAck: options.onAck }),
    ...(options.log && {
      progressIntervalMs: 10_000,
      onProgress: (p) =>
        options.log!(
          `  … ${p.callsDone.toLocaleString('en-US')} calls done, ${Math.round(p.commandsOk / (p.elapsedMs / 1000))} commands/s, ${p.commandsFailed} failed`,
        ),
    }),
  });
}

/** The same call, the same commands in the same order, each expected to emit one event. */
export function oneEventPerCommand(script: CallScript): CallScript {
  const steps = script.steps.map((step) => ({ ...step, events: 1 }));
  return { ...script, steps, events: steps.length };
}

/** Commands per second of a result (acknowledged commands only). */
export const commandsPerSecond = (r: TrafficResult) => r.commands.ok / (r.durationMs / 1000);
export const eventsPerSecond = (r: TrafficResult) => r.events / (r.durationMs / 1000);

/** A run with failed commands is not a measurement of a working server; say so loudly. */
export function assertClean(r: TrafficResult, what: string): void {
  if (r.commands.failed > 0) {
    throw new Error(`${what}: ${r.commands.failed} commands failed ${JSON.stringify(r.errors)}`);
  }
}
