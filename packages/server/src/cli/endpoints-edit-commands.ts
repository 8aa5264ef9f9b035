import type { Command } from 'commander';
import { clientAction } from './api-client.ts';
import type { EndpointView } from './api-types.ts';
import { type ClientOptions, clientFrom, withClientOptions } from './client-options.ts';
import { parseEventTypes } from './event-type-option.ts';
import { parseOpaqueId } from './id-option.ts';
import { failWith } from './option-parsers.ts';
import { isoTime, printJson } from './output.ts';

// `callhook endpoints show|update|disable`: one endpoint read, changed, or switched off.

interface UpdateOptions extends ClientOptions {
  url?: string;
  types?: string;
  stream?: string;
  thread?: string;
  /** False with --no-filter. */
  filter?: boolean;
  description?: string;
}

/** Adds the three to `callhook endpoints`; `describe` prints an endpoint as `list` does. */
export function registerEndpointEditCommands(
  endpoints: Command,
  describe: (e: EndpointView) => string,
): void {
  const print = (e: EndpointView, options: ClientOptions, what: string) => {
    if (options.json) return printJson(e);
    process.stdout.write(
      `${what} ${e.id}\n${describe(e)}\n  created: ${isoTime(e.createdAt)}, updated: ${isoTime(e.updatedAt)}\n`,
    );
  };
  const path = (id: string) => `/v1/endpoints/${encodeURIComponent(id)}`;

  withClientOptions(
    endpoints
      .command('show')
      .description('one endpoint: its URL, subscription and status')
      .argument('<id>', 'endpoint id (ep_…)'),
  ).action(
    clientAction(async (id: string, options: ClientOptions) => {
      print(await clientFrom(options).request<EndpointView>('GET', path(id)), options, 'Endpoint');
    }),
  );

  withClientOptions(
    endpoints
      .command('update')
      .description("change an endpoint's URL, event types, filter or description")
      .argument('<id>', 'endpoint id (ep_…)')
      .option('--url <url>', 'a new URL')
      .option('--types <list>', 'comma-separated event types, or "all"')
      .option('--stream <id>', 'only events of calls in this stream')
      .option('--thread <id>', 'only events of calls in this thread')
      .option('--no-filter', 'every stream and thread again')
      .option('--description <text>', 'a new note for people ("" clears it)'),
  ).action(
    clientAction(async (id: string, options: UpdateOptions) => {
      const body = updateBody(options);
      const updated = await clientFrom(options).request<EndpointView>('PATCH', path(id), {
        body,
      });
      print(updated, options, 'Updated endpoint');
    }),
  );

  withClientOptions(
    endpoints
      .command('disable')
      .description('stop delivering to an endpoint (events meanwhile are counted, see enable)')
      .argument('<id>', 'endpoint id (ep_…)'),
  ).action(
    clientAction(async (id: string, options: ClientOptions) => {
      const body = { enabled: false };
      const updated = await clientFrom(options).request<EndpointView>('PATCH', path(id), {
        body,
      });
      print(updated, options, 'Disabled endpoint');
    }),
  );
}

function updateBody(options: UpdateOptions): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (options.url !== undefined) body.url = options.url;
  if (options.types !== undefined) {
    body.eventTypes = options.types === 'all' ? null : parseEventTypes(options.types);
  }
  if (options.filter === false) {
    if (options.stream !== undefined || options.thread !== undefined) {
      failWith('--no-filter cannot go with --stream or --thread');
    }
    body.filter = null;
  } else if (options.stream !== undefined || options.thread !== undefined) {
    body.filter = {
      ...(options.stream !== undefined && { streamId: parseOpaqueId('--stream', options.stream) }),
      ...(options.thread !== undefined && { threadId: parseOpaqueId('--thread', options.thread) }),
    };
  }
  if (options.description !== undefined) {
    body.description = options.description === '' ? null : options.description;
  }
  if (Object.keys(body).length === 0) {
    failWith(
      'nothing to change: give --url, --types, --stream, --thread, --no-filter or --description',
    );
  }
  return body;
}
