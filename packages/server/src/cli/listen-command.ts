import type { Command } from 'commander';
import { clientAction } from './api-client.ts';
import { type ClientOptions, withClientOptions } from './client-options.ts';

// `callhook listen`: its options. The forwarding (which signs with the SDK) is in listen-run.ts,
// loaded when the command runs.

export interface ListenOptions extends ClientOptions {
  forwardTo: string;
  types?: string;
  secret?: string;
}

export function registerListenCommand(program: Command): void {
  const command = program
    .command('listen')
    .description("forward the server's events to a local URL, signed as real deliveries are")
    .requiredOption(
      '--forward-to <url>',
      'where to POST each event, e.g. http://localhost:3000/hooks',
    )
    .option('--types <list>', 'comma-separated event types to forward (default: all)')
    .option(
      '--secret <whsec>',
      'sign with this secret (default: one per server, kept in the config directory and printed at start)',
    );
  withClientOptions(command)
    .addHelpText(
      'after',
      `
Follows GET /v1/events/stream from now on (reconnecting with Last-Event-ID, with backoff) and
POSTs each event to --forward-to with the body and headers of a real delivery (docs/contract.md §4):
webhook-id, webhook-timestamp, webhook-signature, callhook-event-type, callhook-call-id,
callhook-seq, callhook-previous-seq (of what it forwarded), callhook-attempt: 1. One attempt
per event, in order; a failing receiver is reported and skipped, never retried. --json prints
one JSON object per event. Ctrl-C stops.

Environment: CALLHOOK_SERVER, CALLHOOK_API_KEY (as --server, --api-key); CALLHOOK_CONFIG_DIR
(where the per-server secret is kept; default $XDG_CONFIG_HOME/callhook or ~/.config/callhook).`,
    )
    .action(
      clientAction(async (options: ListenOptions) => {
        const { listen } = await import('./listen-run.ts');
        await listen(options);
      }),
    );
}
