import { safeParseCallEvent } from '@callhook/sdk';
import type { Command } from 'commander';
import { clientAction } from './api-client.ts';
import type { EventPage, StoredEventView } from './api-types.ts';
import {
  type ClientOptions,
  clientFrom,
  usageErrorsExit2,
  withClientOptions,
} from './client-options.ts';
import { followEventStream } from './event-stream-follower.ts';
import { eventDetails } from './event-summary.ts';
import { parseEventTypes } from './event-type-option.ts';
import { formatTable, isoTime, printJson } from './output.ts';
import { parseLimit } from './page-limit-option.ts';

// `callhook events …`: the event log, read back or followed live.

interface ListOptions extends ClientOptions {
  call?: string;
  type?: string;
  after?: string;
  limit: string;
}

interface TailOptions extends ClientOptions {
  type?: string;
}

export function registerEventsCommand(program: Command): void {
  const events = usageErrorsExit2(
    program.command('events').description('read the event log; follow it live'),
  );

  withClientOptions(
    events
      .command('list')
      .description('events in log order, oldest first')
      .option('--call <callId>', 'only the events of this call')
      .option('--type <list>', 'only these comma-separated event types')
      .option('--after <cursor>', 'start after this cursor (the NEXT line of an earlier list)')
      .option('--limit <n>', 'show at most this many (1-500)', '50'),
  ).action(clientAction(list));

  withClientOptions(
    events
      .command('tail')
      .description('print events as they happen, until Ctrl-C')
      .option('--type <list>', 'only these comma-separated event types'),
  ).action(clientAction(tail));
}

function line(event: StoredEventView): string[] {
  return [
    isoTime(event.occurredAt),
    event.type,
    event.callId,
    String(event.seq),
    eventDetails(event.payload),
  ];
}

async function list(options: ListOptions): Promise<void> {
  const query = {
    callId: options.call,
    type: options.type === undefined ? undefined : parseEventTypes(options.type).join(','),
    after: options.after,
    limit: parseLimit(options.limit),
  };
  const page = await clientFrom(options).request<EventPage>('GET', '/v1/events', { query });
  if (options.json) return printJson(page);
  const table = formatTable(['TIME', 'TYPE', 'CALL', 'SEQ', 'DETAILS'], page.events.map(line));
  process.stdout.write(
    `${page.events.length === 0 ? 'no events' : table}\nNEXT ${page.nextCursor}\n`,
  );
}

async function tail(options: TailOptions): Promise<void> {
  const types = options.type === undefined ? undefined : parseEventTypes(options.type);
  const api = clientFrom(options);
  const stopping = new AbortController();
  process.once('SIGINT', () => stopping.abort());
  process.once('SIGTERM', () => stopping.abort());
  await followEventStream({
    api,
    signal: stopping.signal,
    ...(types && { types }),
    onConnect: (resumed) => {
      if (!resumed) process.stderr.write(`following ${api.server} (Ctrl-C stops)\n`);
    },
    onDisconnect: (reason, retryInMs) =>
      process.stderr.write(`disconnected (${reason}); reconnecting in ${retryInMs} ms\n`),
    onEvent: async (message) => {
      const parsed = safeParseCallEvent(message.data);
      if (!parsed.success) return;
      const event = parsed.data;
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ cursor: message.id, event })}\n`);
      } else {
        process.stdout.write(
          `${message.id}  ${event.eventType}  ${event.callId}  ${eventDetails(event)}\n`,
        );
      }
    },
  });
}
