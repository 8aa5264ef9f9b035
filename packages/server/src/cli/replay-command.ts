import type { Command } from 'commander';
import { clientAction } from './api-client.ts';
import type { ReplayResult } from './api-types.ts';
import { type ClientOptions, clientFrom, withClientOptions } from './client-options.ts';
import { failWith } from './option-parsers.ts';
import { isoTime, printJson } from './output.ts';
import { parseTimeOption, TIME_OPTION_HELP } from './time-option.ts';

interface ReplayOptions extends ClientOptions {
  since: string;
  until?: string;
}

export function registerReplayCommand(program: Command): void {
  withClientOptions(
    program
      .command('replay')
      .description('deliver again every subscribed event of a time window to an endpoint')
      .argument('<endpointId>', 'endpoint id (ep_…)')
      .requiredOption('--since <time>', 'start of the window (events at or after it)')
      .option('--until <time>', 'end of the window (events at or before it; default: now)')
      .addHelpText(
        'after',
        `
--since and --until take ${TIME_OPTION_HELP}.
Example: callhook replay ep_123 --since 2h   (the events of the last two hours)
Replayed events are new deliveries with the same webhook-id, so receivers that dedupe
on webhook-id drop the ones they already handled.`,
      ),
  ).action(clientAction(replay));
}

async function replay(endpointId: string, options: ReplayOptions): Promise<void> {
  const now = Date.now();
  const since = parseTimeOption('--since', options.since, now);
  const until =
    options.until === undefined ? undefined : parseTimeOption('--until', options.until, now);
  if (until !== undefined && until < since) {
    failWith(`--until (${isoTime(until)}) is before --since (${isoTime(since)})`);
  }
  const api = clientFrom(options);
  const result = await api.request<ReplayResult>(
    'POST',
    `/v1/endpoints/${encodeURIComponent(endpointId)}/replay`,
    { body: { since, ...(until !== undefined && { until }) } },
  );
  if (options.json) return printJson({ endpointId, since, until: until ?? null, ...result });
  const to = until === undefined ? 'now' : isoTime(until);
  process.stdout.write(
    `Queued ${result.replayed} deliveries to ${endpointId}: the events from ` +
      `${isoTime(since)} to ${to} it subscribes to.\n`,
  );
}
