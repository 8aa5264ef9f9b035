import { randomBytes } from 'node:crypto';
import { EVENT_TYPES } from '@callhook/sdk';
import type { Command } from 'commander';
import { type ApiClient, clientAction } from './api-client.ts';
import type { CallView, EventPage } from './api-types.ts';
import { type ClientOptions, clientFrom, withClientOptions } from './client-options.ts';
import { eventDetails } from './event-summary.ts';
import { parseEventType } from './event-type-option.ts';
import { parseOpaqueId } from './id-option.ts';
import { formatTable, printJson } from './output.ts';
import { TRIGGER_FLOWS } from './trigger-flows.ts';

interface TriggerOptions extends ClientOptions {
  thread?: string;
  stream?: string;
}

export function registerTriggerCommand(program: Command): void {
  const command = program
    .command('trigger')
    .description('run the smallest call flow that makes the server emit <eventType>')
    .argument('<eventType>', `one of: ${EVENT_TYPES.join(', ')}`)
    .option('--thread <id>', 'threadId of the call (default: a random 24-hex id)')
    .option('--stream <id>', 'streamId of the call (default: a random 24-hex id)')
    .addHelpText(
      'after',
      `
Each flow starts by creating a call, then runs only what the event needs:
${EVENT_TYPES.map((type) => `  ${type.padEnd(20)} create${TRIGGER_FLOWS[type].map((s) => `, ${s.label}`).join('')}`).join('\n')}
Prints the call id and every event the flow produced.`,
    );
  withClientOptions(command).action(clientAction(trigger));
}

async function trigger(eventTypeText: string, options: TriggerOptions): Promise<void> {
  const eventType = parseEventType(eventTypeText);
  const threadId = idOption('--thread', options.thread);
  const streamId = idOption('--stream', options.stream);
  const api = clientFrom(options);
  const out = process.stdout;
  const json = options.json === true;

  const call = await api.request<CallView>('POST', '/v1/calls', { body: { threadId, streamId } });
  if (!json)
    out.write(`call ${call.callId} (thread ${threadId}, stream ${streamId})\n  create the call\n`);
  for (const step of TRIGGER_FLOWS[eventType]) {
    await api.request<CallView>(step.method, `/v1/calls/${call.callId}${step.path}`, {
      ...(step.body !== undefined && { body: step.body }),
    });
    if (!json) out.write(`  ${step.label}\n`);
  }

  const events = await eventsOf(api, call.callId);
  if (json) {
    printJson({ callId: call.callId, threadId, streamId, events });
    return;
  }
  out.write(`\nevents of call ${call.callId}:\n`);
  const rows = events.map((e) => [String(e.seq), e.type, e.id, eventDetails(e.payload)]);
  out.write(`${formatTable(['SEQ', 'TYPE', 'EVENT ID', 'DETAILS'], rows)}\n`);
}

/** Every event of one call, in seq order (a flow makes a handful; paging covers more). */
async function eventsOf(api: ApiClient, callId: string): Promise<EventPage['events']> {
  const events: EventPage['events'] = [];
  let after: string | undefined;
  for (;;) {
    const page = await api.request<EventPage>('GET', '/v1/events', {
      query: { callId, limit: 500, after },
    });
    events.push(...page.events);
    if (page.events.length < 500) return events;
    after = page.nextCursor;
  }
}

/** The given id, or a random one shaped like the user document's (24 hex digits). */
function idOption(flag: string, value: string | undefined): string {
  return value === undefined ? randomBytes(12).toString('hex') : parseOpaqueId(flag, value);
}
