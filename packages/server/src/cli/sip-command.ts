import type { Command } from 'commander';
import { clientAction } from './api-client.ts';
import {
  type ClientOptions,
  clientFrom,
  usageErrorsExit2,
  withClientOptions,
} from './client-options.ts';
import { parseOpaqueId } from './id-option.ts';
import { formatTable, printJson } from './output.ts';

// `callhook sip rooms add|list|rm`: the rooms that map a dialled SIP user part to a thread
// (docs/sip.md). The `serve --sip` / `--sip-ring` options are read in serve-run.ts.

interface SipRoom {
  room: string;
  streamId: string;
  threadId: string;
  createdAt: number;
}

interface AddOptions extends ClientOptions {
  stream: string;
  thread: string;
}

export function registerSipCommand(program: Command): void {
  const sip = usageErrorsExit2(
    program.command('sip').description('the SIP front end (docs/sip.md)'),
  );
  const rooms = usageErrorsExit2(
    sip
      .command('rooms')
      .description('rooms: a dialled user part (sip:<room>@host) mapped to a thread'),
  );
  withClientOptions(
    rooms
      .command('add')
      .description('map a room to a thread; an INVITE to sip:<room>@host joins its active call')
      .argument('<room>', 'the user part dialled, e.g. 1001')
      .requiredOption('--stream <id>', 'stream of the thread')
      .requiredOption('--thread <id>', 'thread whose call the room joins'),
  ).action(clientAction(add));
  withClientOptions(rooms.command('list').description('list the rooms')).action(clientAction(list));
  withClientOptions(
    rooms.command('rm').description('delete a room').argument('<room>', 'the room'),
  ).action(clientAction(remove));
}

async function add(room: string, options: AddOptions): Promise<void> {
  const body = {
    room,
    streamId: parseOpaqueId('--stream', options.stream),
    threadId: parseOpaqueId('--thread', options.thread),
  };
  const created = await clientFrom(options).request<SipRoom>('POST', '/v1/sip/rooms', { body });
  if (options.json) return printJson(created);
  process.stdout.write(
    `Room ${created.room} → stream ${created.streamId}, thread ${created.threadId}\n` +
      `Dial sip:${created.room}@<callhook's SIP address> to join the thread's call.\n`,
  );
}

async function list(options: ClientOptions): Promise<void> {
  const api = clientFrom(options);
  const all: SipRoom[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.request<{ rooms: SipRoom[]; nextCursor: string | null }>(
      'GET',
      '/v1/sip/rooms',
      { query: { limit: 500, cursor } },
    );
    all.push(...page.rooms);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  if (options.json) return printJson(all);
  if (all.length === 0) {
    process.stdout.write(
      'No rooms yet; add one with `callhook sip rooms add <room> --stream … --thread …`.\n',
    );
    return;
  }
  const rows = all.map((r) => [r.room, r.streamId, r.threadId]);
  process.stdout.write(`${formatTable(['ROOM', 'STREAM', 'THREAD'], rows)}\n`);
}

async function remove(room: string, options: ClientOptions): Promise<void> {
  await clientFrom(options).request('DELETE', `/v1/sip/rooms/${encodeURIComponent(room)}`);
  if (options.json) return printJson({ room, deleted: true });
  process.stdout.write(`Deleted room ${room}.\n`);
}
