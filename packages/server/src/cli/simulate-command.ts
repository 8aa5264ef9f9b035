import type { Command } from 'commander';
import { DEFAULT_MIX, formatMix } from '../simulate/traffic-mix.ts';
import { clientAction } from './api-client.ts';
import { type ClientOptions, withClientOptions } from './client-options.ts';

// `callhook simulate`: its options. The run (and the HTTP pool it drives) is in
// simulate-run.ts, loaded when the command runs.

export interface SimulateOptions extends ClientOptions {
  calls: string;
  concurrency: string;
  rate?: string;
  eventRate?: string;
  seed?: string;
  mix?: string;
  timeLimit: string;
}

export function registerSimulateCommand(program: Command): void {
  const command = program
    .command('simulate')
    .description(
      'drive a running server with realistic, seeded call traffic and report rates and latency',
    )
    .option('--calls <n>', 'how many calls to simulate', '1000')
    .option(
      '--concurrency <n>',
      'calls in progress at once (each call sends its commands in order)',
      '16',
    )
    .option('--rate <n>', 'offered load in commands/s (default: as fast as the concurrency allows)')
    .option(
      '--event-rate <n>',
      'offered load in events/s instead (each command counted by the events it emits)',
    )
    .option(
      '--seed <n>',
      'seed of the traffic (default: random, printed); the same seed makes the same calls',
    )
    .option('--mix <kind=weight,…>', 'proportions of call kinds', formatMix(DEFAULT_MIX))
    .option('--time-limit <duration>', 'start no call after this long (e.g. 30s, 10m)', '10m')
    .addHelpText(
      'after',
      `
Call kinds:
  one-to-one   two people talk; some hold (pause/unpause) a few times
  conference   a host and 2-7 guests; some never answer, some hold, leave, come back
  unanswered   invites nobody answers; the caller gives up or the ringing times out
  ivr          a caller keys DTMF menus and account numbers, maybe reaches an agent
Half the calls end by hang-up (POST …/end), the others by the last participant leaving.

Progress (calls started and ended, commands and events with their rates, errors) goes to
stderr every second. Ctrl-C (or SIGTERM) starts no more calls or steps, ends each call in
progress (POST …/end), prints the summary and exits 130; a second Ctrl-C exits at once.
Otherwise the exit status is 1 when any command failed, else 0.`,
    );
  withClientOptions(command).action(
    clientAction(async (options: SimulateOptions) => {
      const { simulate } = await import('./simulate-run.ts');
      await simulate(options);
    }),
  );
}
