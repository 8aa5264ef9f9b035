import { EVENT_TYPES } from '@callhook/sdk/names';
import type { Command } from 'commander';
import { type ApiClient, clientAction } from './api-client.ts';
import type {
  EndpointEnabled,
  EndpointPage,
  EndpointView,
  EndpointWithSecret,
} from './api-types.ts';
import {
  type ClientOptions,
  clientFrom,
  usageErrorsExit2,
  withClientOptions,
} from './client-options.ts';
import { registerEndpointEditCommands } from './endpoints-edit-commands.ts';
import { parseEventTypes } from './event-type-option.ts';
import { parseOpaqueId } from './id-option.ts';
import { formatTable, isoTime, printJson } from './output.ts';

// `callhook endpoints …`: webhook subscriptions (docs/contract.md §3 "Endpoints").

interface EnableOptions extends ClientOptions {
  replayMissed?: boolean;
}

interface AddOptions extends ClientOptions {
  types?: string;
  stream?: string;
  thread?: string;
  description?: string;
}

export function registerEndpointsCommand(program: Command): void {
  const endpoints = usageErrorsExit2(
    program.command('endpoints').description('manage webhook endpoints (subscriptions)'),
  );

  withClientOptions(
    endpoints
      .command('add')
      .description('subscribe a URL to events; prints its signing secret, once')
      .argument('<url>', 'http(s) URL the events are POSTed to')
      .option(
        '--types <list>',
        `comma-separated event types (default: all): ${EVENT_TYPES.join(', ')}`,
      )
      .option('--stream <id>', 'only events of calls in this stream')
      .option('--thread <id>', 'only events of calls in this thread')
      .option('--description <text>', 'a note for people'),
  ).action(clientAction(add));

  withClientOptions(endpoints.command('list').description('list the endpoints')).action(
    clientAction(list),
  );

  withClientOptions(
    endpoints
      .command('rm')
      .description('delete an endpoint with its deliveries')
      .argument('<id>', 'endpoint id (ep_…)'),
  ).action(clientAction(remove));

  withClientOptions(
    endpoints
      .command('rotate-secret')
      .description('make a new signing secret (the old one keeps signing for 24 h)')
      .argument('<id>', 'endpoint id (ep_…)'),
  ).action(clientAction(rotateSecret));

  withClientOptions(
    endpoints
      .command('enable')
      .description('enable a disabled endpoint; its waiting deliveries go out again')
      .argument('<id>', 'endpoint id (ep_…)')
      .option(
        '--replay-missed',
        'also queue the events it missed while disabled (else they are only counted)',
      ),
  ).action(clientAction(enable));

  registerEndpointEditCommands(endpoints, describe);
}

async function add(url: string, options: AddOptions): Promise<void> {
  const eventTypes = options.types === undefined ? undefined : parseEventTypes(options.types);
  const filter = {
    ...(options.stream !== undefined && { streamId: parseOpaqueId('--stream', options.stream) }),
    ...(options.thread !== undefined && { threadId: parseOpaqueId('--thread', options.thread) }),
  };
  const api = clientFrom(options);
  const endpoint = await api.request<EndpointWithSecret>('POST', '/v1/endpoints', {
    body: {
      url,
      ...(eventTypes && { eventTypes }),
      ...(Object.keys(filter).length > 0 && { filter }),
      ...(options.description !== undefined && { description: options.description }),
    },
  });
  if (options.json) return printJson(endpoint);
  process.stdout.write(
    `Created endpoint ${endpoint.id}\n${describe(endpoint)}\n\n` +
      `Signing secret: ${endpoint.secret}\n` +
      'Store it now: it is not shown again (`callhook endpoints rotate-secret` makes a new one).\n',
  );
}

async function list(options: ClientOptions): Promise<void> {
  const api = clientFrom(options);
  const all = await allEndpoints(api);
  if (options.json) return printJson(all);
  if (all.length === 0) {
    process.stdout.write('No endpoints yet; add one with `callhook endpoints add <url>`.\n');
    return;
  }
  const rows = all.map((e) => [
    e.id,
    e.url,
    status(e),
    e.eventTypes ? e.eventTypes.join(',') : 'all',
    filterText(e),
    e.description ?? '',
  ]);
  process.stdout.write(
    `${formatTable(['ID', 'URL', 'STATUS', 'EVENTS', 'FILTER', 'DESCRIPTION'], rows)}\n`,
  );
}

async function remove(id: string, options: ClientOptions): Promise<void> {
  const api = clientFrom(options);
  await api.request('DELETE', `/v1/endpoints/${encodeURIComponent(id)}`);
  if (options.json) return printJson({ id, deleted: true });
  process.stdout.write(`Deleted endpoint ${id} and its deliveries.\n`);
}

async function rotateSecret(id: string, options: ClientOptions): Promise<void> {
  const api = clientFrom(options);
  const endpoint = await api.request<EndpointWithSecret>(
    'POST',
    `/v1/endpoints/${encodeURIComponent(id)}/rotate-secret`,
  );
  if (options.json) return printJson(endpoint);
  const until = endpoint.secretRotation
    ? isoTime(endpoint.secretRotation.previousExpiresAt)
    : 'its expiry';
  process.stdout.write(
    `New signing secret of ${endpoint.id}: ${endpoint.secret}\n` +
      `Store it now: it is not shown again. The previous secret keeps signing too until ${until}.\n`,
  );
}

async function enable(id: string, options: EnableOptions): Promise<void> {
  const api = clientFrom(options);
  const endpoint = await api.request<EndpointEnabled>(
    'POST',
    `/v1/endpoints/${encodeURIComponent(id)}/enable`,
    { body: { replayMissed: options.replayMissed === true } },
  );
  if (options.json) return printJson(endpoint);
  process.stdout.write(
    `Enabled endpoint ${endpoint.id}\n${describe(endpoint)}\n${missedText(endpoint)}\n`,
  );
}

/** What the endpoint missed while disabled, and how to send it if it was not replayed. */
function missedText({ id, missed }: EndpointEnabled): string {
  const events = `${missed.events} event${missed.events === 1 ? '' : 's'}`;
  if (missed.events === 0) return 'It missed no events.';
  if (missed.replay === null)
    return `It missed ${events} while disabled; ${missed.replayed} queued now.`;
  const { since, until } = missed.replay.body;
  return (
    `It missed ${events} while disabled (not queued). To send them:\n` +
    `  callhook replay ${id} --since ${isoTime(since)} --until ${isoTime(until)}`
  );
}

async function allEndpoints(api: ApiClient): Promise<EndpointView[]> {
  const all: EndpointView[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.request<EndpointPage>('GET', '/v1/endpoints', {
      query: { limit: 500, cursor },
    });
    all.push(...page.endpoints);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return all;
}

function describe(e: EndpointView): string {
  return [
    `  url:    ${e.url}`,
    `  events: ${e.eventTypes ? e.eventTypes.join(', ') : 'all'}`,
    `  filter: ${filterText(e) || 'none'}`,
    `  status: ${status(e)}`,
    ...(e.description ? [`  description: ${e.description}`] : []),
  ].join('\n');
}

function status(e: EndpointView): string {
  return e.enabled ? 'enabled' : `disabled (${e.disabledReason ?? 'manual'})`;
}

function filterText(e: EndpointView): string {
  const parts = [
    ...(e.filter?.streamId ? [`stream=${e.filter.streamId}`] : []),
    ...(e.filter?.threadId ? [`thread=${e.filter.threadId}`] : []),
  ];
  return parts.join(' ');
}
