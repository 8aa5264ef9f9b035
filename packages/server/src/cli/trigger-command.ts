import { randomBytes } from 'node:crypto';
import { EVENT_TYPES } from '@callhook/sdk/names';
import type { Command } from 'commander';
import { type ApiClient, clientAction } from './api-client.ts';
import type { CallView, EventPage } from './api-types.ts';
import { type ClientOptions, clientFrom, withClientOptions } from './client-options.ts';
import { eventDetails } from './event-summary.ts';
import { parseEventType } from './event-type-option.ts';
import { parseOpaqueId } from './id-option.ts';
import { formatTable } from './output.ts';
import { EPIPE_EXIT_CODE, finishWhenReaderGoes, flushed } from './quiet-epipe.ts';
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
Prints the call id and every event the flow produced. When the reader of the output goes
away early (callhook trigger … | head -1), the flow still runs to its end, the call is ended
rather than left active, and the command exits ${EPIPE_EXIT_CODE} quietly.`,
    );
  withClientOptions(command).action(clientAction(trigger));
}

async function trigger(eventTypeText: string, options: TriggerOptions): Promise<void> {
  const eventType = parseEventType(eventTypeText);
  const threadId = idOption('--thread', options.thread);
  const streamId = idOption('--stream', options.stream);
  const api = clientFrom(options);
  const json = options.json === true;
  const readerGone = finishWhenReaderGoes();
  // Once the reader is gone nothing more is printed; the flow goes on regardless.
  const say = (text: string) => {
    if (!readerGone.aborted) process.stdout.write(text);
  };

  let call = await api.request<CallView>('POST', '/v1/calls', { body: { threadId, streamId } });
  if (!json)
    say(`call ${call.callId} (thread ${threadId}, stream ${streamId})\n  create the call\n`);
  for (const step of TRIGGER_FLOWS[eventType]) {
    call = await api.request<CallView>(step.method, `/v1/calls/${call.callId}${step.path}`, {
      ...(step.body !== undefined && { body: step.body }),
    });
    if (!json) say(`  ${step.label}\n`);
  }

  if (!readerGone.aborted) {
    const events = await eventsOf(api, call.callId);
    if (json) {
      say(`${JSON.stringify({ callId: call.callId, threadId, streamId, events }, null, 2)}\n`);
    } else {
      say(`\nevents of call ${call.callId}:\n`);
      const rows = events.map((e) => [String(e.seq), e.type, e.id, eventDetails(e.payload)]);
      say(`${formatTable(['SEQ', 'TYPE', 'EVENT ID', 'DETAILS'], rows)}\n`);
    }
    await flushed();
  }
  if (readerGone.aborted) {
    // The reader left: end the call rather than leave it active with nobody watching.
    if (call.status === 'active') await api.request('POST', `/v1/calls/${call.callId}/end`);
    process.exit(EPIPE_EXIT_CODE);
  }
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
