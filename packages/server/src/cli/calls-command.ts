import type { Command } from 'commander';
import { clientAction } from './api-client.ts';
import type { CallView } from './api-types.ts';
import {
  type ClientOptions,
  clientFrom,
  usageErrorsExit2,
  withClientOptions,
} from './client-options.ts';
import { parseOpaqueId } from './id-option.ts';
import { failWith } from './option-parsers.ts';
import { formatTable, isoTime, printJson } from './output.ts';
import { parseLimit } from './page-limit-option.ts';

// `callhook calls …`: the calls the server knows, and one call with its participants.

interface ListOptions extends ClientOptions {
  state?: string;
  thread?: string;
  stream?: string;
  limit: string;
}

export function registerCallsCommand(program: Command): void {
  const calls = usageErrorsExit2(program.command('calls').description('list calls; show one'));

  withClientOptions(
    calls
      .command('list')
      .description('calls, newest first')
      .option('--state <state>', 'only active or ended calls')
      .option('--thread <threadId>', 'only the calls of this thread')
      .option('--stream <streamId>', 'only the calls of this stream')
      .option('--limit <n>', 'show at most this many (1-500)', '50'),
  ).action(clientAction(list));

  withClientOptions(
    calls
      .command('show')
      .description('one call: its state, durations and participants')
      .argument('<callId>', 'the call id (a UUID)'),
  ).action(clientAction(show));
}

async function list(options: ListOptions): Promise<void> {
  if (options.state !== undefined && options.state !== 'active' && options.state !== 'ended') {
    failWith(`--state must be active or ended, not '${options.state}'`);
  }
  const query = {
    state: options.state,
    threadId: options.thread === undefined ? undefined : parseOpaqueId('--thread', options.thread),
    streamId: options.stream === undefined ? undefined : parseOpaqueId('--stream', options.stream),
    limit: parseLimit(options.limit),
  };
  const page = await clientFrom(options).request<{ calls: CallView[] }>('GET', '/v1/calls', {
    query,
  });
  if (options.json) return printJson(page.calls);
  if (page.calls.length === 0) return void process.stdout.write('no calls\n');
  const rows = page.calls.map((c) => [
    c.callId,
    c.status,
    isoTime(c.createdAt),
    String(c.participants.filter((p) => p.state !== 'removed').length),
    c.callDuration === null ? '' : `${c.callDuration}ms`,
    c.threadId,
  ]);
  process.stdout.write(
    `${formatTable(['CALL', 'STATUS', 'CREATED', 'PRESENT', 'DURATION', 'THREAD'], rows)}\n`,
  );
}

async function show(callId: string, options: ClientOptions): Promise<void> {
  const call = await clientFrom(options).request<CallView>(
    'GET',
    `/v1/calls/${encodeURIComponent(callId)}`,
  );
  if (options.json) return printJson(call);
  const lines = [
    `call      ${call.callId} (${call.status}${call.endReason ? `: ${call.endReason}` : ''})`,
    `thread    ${call.threadId}`,
    `stream    ${call.streamId}`,
    `created   ${isoTime(call.createdAt)}`,
    ...(call.endedAt === null ? [] : [`ended     ${isoTime(call.endedAt)}`]),
    `durations call ${call.callDuration ?? '…'} ms, dialog ${call.dialogDuration} ms`,
    `events    ${call.lastSeq}`,
    '',
    call.participants.length === 0
      ? 'no participants'
      : formatTable(
          ['USER', 'STATE'],
          call.participants.map((p) => [p.userId, p.state]),
        ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
