import type { Command } from 'commander';
import { clientAction } from './api-client.ts';
import type { DeliveryPage, DeliveryView } from './api-types.ts';
import {
  type ClientOptions,
  clientFrom,
  usageErrorsExit2,
  withClientOptions,
} from './client-options.ts';
import { failWith } from './option-parsers.ts';
import { formatTable, isoTime, printJson } from './output.ts';

// `callhook deliveries …`: an endpoint's outbox, and sending one delivery again.

const STATUSES = ['pending', 'delivered', 'failed'] as const;
/** The API's largest page. */
const MAX_PAGE = 500;

interface ListOptions extends ClientOptions {
  status?: string;
  limit: string;
}

export function registerDeliveriesCommand(program: Command): void {
  const deliveries = usageErrorsExit2(
    program.command('deliveries').description("inspect an endpoint's deliveries; retry one"),
  );

  withClientOptions(
    deliveries
      .command('list')
      .description("an endpoint's deliveries, newest first, with their last attempt")
      .argument('<endpointId>', 'endpoint id (ep_…)')
      .option('--status <status>', `only ${STATUSES.join(', ')}`)
      .option('--limit <n>', 'show at most this many', '50'),
  ).action(clientAction(list));

  withClientOptions(
    deliveries
      .command('retry')
      .description('send a failed (or pending) delivery again, now')
      .argument('<deliveryId>', 'delivery id (dlv_…), from `deliveries list`'),
  ).action(clientAction(retry));
}

async function list(endpointId: string, options: ListOptions): Promise<void> {
  const status = statusOption(options.status);
  const limit = limitOption(options.limit);
  const api = clientFrom(options);
  const shown: DeliveryView[] = [];
  let cursor: string | undefined;
  let more = false;
  do {
    const page = await api.request<DeliveryPage>(
      'GET',
      `/v1/endpoints/${encodeURIComponent(endpointId)}/deliveries`,
      { query: { status, cursor, limit: Math.min(MAX_PAGE, limit - shown.length) } },
    );
    shown.push(...page.deliveries);
    cursor = page.nextCursor ?? undefined;
    more = cursor !== undefined;
  } while (more && shown.length < limit);

  if (options.json) return printJson(shown);
  if (shown.length === 0) {
    process.stdout.write(`No ${status ?? ''}${status ? ' ' : ''}deliveries for ${endpointId}.\n`);
    return;
  }
  const rows = shown.map((d) => [
    d.id,
    d.eventType,
    d.callId,
    String(d.seq),
    d.status,
    String(d.attemptCount),
    lastAttempt(d),
  ]);
  process.stdout.write(
    `${formatTable(['ID', 'EVENT', 'CALL', 'SEQ', 'STATUS', 'ATTEMPTS', 'LAST ATTEMPT'], rows)}\n`,
  );
  if (more) process.stdout.write(`(more deliveries: raise --limit to see them)\n`);
}

async function retry(deliveryId: string, options: ClientOptions): Promise<void> {
  const api = clientFrom(options);
  const delivery = await api.request<DeliveryView>(
    'POST',
    `/v1/deliveries/${encodeURIComponent(deliveryId)}/retry`,
  );
  if (options.json) return printJson(delivery);
  const when =
    delivery.nextAttemptAt === null
      ? 'once the earlier events of its call are delivered'
      : `at ${isoTime(delivery.nextAttemptAt)}`;
  process.stdout.write(
    `Delivery ${delivery.id} (${delivery.eventType}, call ${delivery.callId}, seq ${delivery.seq}) ` +
      `is ${delivery.status} again; next attempt ${when}.\n`,
  );
}

/** The last attempt's HTTP status, or its error: what went wrong last time. */
function lastAttempt(d: DeliveryView): string {
  const last = d.attempts[d.attempts.length - 1];
  if (!last) return '-';
  if (last.statusCode === null) return last.error ?? 'no answer';
  // The server words a plain bad status as "HTTP 503"; only other errors add news.
  const news = last.error && !last.error.startsWith(`HTTP ${last.statusCode}`);
  return news ? `${last.statusCode} (${last.error})` : String(last.statusCode);
}

function statusOption(value: string | undefined): (typeof STATUSES)[number] | undefined {
  if (value === undefined) return undefined;
  const status = STATUSES.find((s) => s === value);
  if (!status) failWith(`--status must be one of ${STATUSES.join(', ')}, not '${value}'`);
  return status;
}

function limitOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) failWith(`--limit must be a positive integer, not '${value}'`);
  return n;
}
