import type { Command } from 'commander';
import { clientAction } from './api-client.ts';
import type { DeliveryView, EventPage, StoredEventView } from './api-types.ts';
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

// `callhook events …`: the event log, read back or followed live; one event sent again.

interface ListOptions extends ClientOptions {
  call?: string;
  type?: string;
  after?: string;
  limit: string;
}

interface TailOptions extends ClientOptions {
  type?: string;
}

interface ResendOptions extends ClientOptions {
  endpoint: string;
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

  withClientOptions(
    events
      .command('resend')
      .description('send one event again to one endpoint, delivered before or not')
      .argument('<eventId>', "the event's id (its UUID, the webhook-id; see events list)")
      .requiredOption('--endpoint <id>', 'the endpoint to send it to (ep_…)')
      .addHelpText(
        'after',
        `
A new delivery of the event, with the same webhook-id (receivers that dedupe on it drop it if
they handled it already), sent in its call's order like a replayed one. The endpoint must
subscribe to the event (its types and filter). To send a time range again: callhook replay.`,
      ),
  ).action(clientAction(resend));
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

async function resend(eventId: string, options: ResendOptions): Promise<void> {
  const delivery = await clientFrom(options).request<DeliveryView>(
    'POST',
    `/v1/events/${encodeURIComponent(eventId)}/resend`,
    { body: { endpointId: options.endpoint } },
  );
  if (options.json) return printJson(delivery);
  process.stdout.write(
    `Queued delivery ${delivery.id} of event ${delivery.eventId} (${delivery.eventType}, ` +
      `call ${delivery.callId} seq ${delivery.seq}) to ${delivery.endpointId}.\n` +
      `Follow it: callhook deliveries list ${delivery.endpointId}\n`,
  );
}

async function tail(options: TailOptions): Promise<void> {
  const types = options.type === undefined ? undefined : parseEventTypes(options.type);
  const api = clientFrom(options);
  // The SDK's parser (and zod) only for a tail, not at every start of the CLI.
  const { safeParseCallEvent } = await import('@callhook/sdk');
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
