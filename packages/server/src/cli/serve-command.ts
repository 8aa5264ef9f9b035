import type { Command } from 'commander';
import { resolveApiKey } from '../auth/api-key.ts';
import { parseDuration, parseRetrySchedule } from '../delivery/retry-schedule.ts';
import { parseCidr } from '../delivery/target-policy.ts';
import { DEFAULT_ENGINE_CONFIG } from '../engine/call-state.ts';
import { type DeliveryConfig, type ServerConfig, startServer } from '../server.ts';
import { VERSION } from '../version.ts';
import { failWith, parsePort } from './option-parsers.ts';

interface ServeOptions {
  host: string;
  port: string;
  data: string;
  durability: string;
  idleTimeout?: string;
  maxDuration?: string;
  logLevel: string;
  retrySchedule?: string;
  allowPrivateTargets?: boolean;
  allowTargets?: string;
  deliveryConcurrency?: string;
  endpointConcurrency?: string;
  attemptTimeout?: string;
  /** True with --sender-thread. */
  senderThread?: boolean;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the callhook service (control API, event log, event stream)')
    .option('--host <host>', 'address to listen on', process.env.CALLHOOK_HOST ?? '127.0.0.1')
    .option(
      '--port <port>',
      'port to listen on (0 = any free port)',
      process.env.CALLHOOK_PORT ?? '8080',
    )
    .option(
      '--data <dir>',
      'data directory (SQLite database, API key hash)',
      process.env.CALLHOOK_DATA ?? './callhook-data',
    )
    .option(
      '--durability <mode>',
      "'default' (a 2xx survives kill -9) or 'strict' (fsync at every commit)",
      'default',
    )
    .option(
      '--idle-timeout <duration>',
      'end a call that has had no participant this long (e.g. 10m)',
    )
    .option('--max-duration <duration>', 'end a call at this age (e.g. 24h)')
    .option(
      '--retry-schedule <list>',
      "delays before each delivery attempt, e.g. 0,5s,5m,30m (default: the contract's 10 steps up to 24h)",
    )
    .option(
      '--allow-private-targets',
      'allow endpoints on loopback/private/link-local addresses (local development)',
    )
    .option(
      '--allow-targets <cidrs>',
      'comma list of CIDRs allowed as endpoint addresses, e.g. 10.1.0.0/16',
    )
    .option(
      '--delivery-concurrency <n>',
      'deliveries claimed per dispatcher turn, all endpoints (default 256); attempts in flight are bounded per endpoint only (--endpoint-concurrency), so hanging endpoints never hold up the others',
    )
    .option(
      '--endpoint-concurrency <n>',
      'delivery attempts in flight at once to one endpoint (default 16): all one endpoint can hold',
    )
    .option('--attempt-timeout <duration>', 'deadline of one delivery attempt (default 15s)')
    .option(
      '--sender-thread',
      'make the webhook POSTs in a worker thread of their own (for machines with cores to spare)',
    )
    .option(
      '--log-level <level>',
      'fatal|error|warn|info|debug|silent',
      process.env.CALLHOOK_LOG_LEVEL ?? 'warn',
    )
    .addHelpText(
      'after',
      '\nThe admin API key comes from CALLHOOK_API_KEY, or is generated at first start and printed once.',
    )
    .action(async (options: ServeOptions) => {
      await serve(options);
    });
}

async function serve(options: ServeOptions): Promise<void> {
  if (options.durability !== 'default' && options.durability !== 'strict') {
    failWith(`--durability must be 'default' or 'strict', not '${options.durability}'`);
  }
  const engine = {
    idleTimeoutMs: options.idleTimeout
      ? durationOption('--idle-timeout', options.idleTimeout)
      : DEFAULT_ENGINE_CONFIG.idleTimeoutMs,
    maxDurationMs: options.maxDuration
      ? durationOption('--max-duration', options.maxDuration)
      : DEFAULT_ENGINE_CONFIG.maxDurationMs,
  };
  const key = resolveApiKey(options.data, process.env.CALLHOOK_API_KEY);
  const config: ServerConfig = {
    host: options.host,
    port: parsePort(options.port),
    dataDir: options.data,
    durability: options.durability as ServerConfig['durability'],
    engine,
    apiKeyHash: key.hash,
    delivery: deliveryConfig(options),
    logger: { level: options.logLevel },
  };
  const server = await startServer(config);
  // One write, so whoever reads the banner sees it whole; the key line is always last.
  const keyLine = key.generated
    ? `admin API key (shown once; only its hash is stored): ${key.generated}`
    : `admin API key: ${key.source === 'env' ? 'from CALLHOOK_API_KEY' : 'as stored in the data directory'}`;
  process.stdout.write(
    [
      `callhook ${VERSION} listening on ${server.url}`,
      `data: ${server.databasePath} (durability: ${config.durability})`,
      keyLine,
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.stderr.write(`callhook: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`callhook: ${signal}, shutting down (finishing in-flight requests)\n`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`callhook: error during shutdown: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

function deliveryConfig(options: ServeOptions): DeliveryConfig {
  const config: DeliveryConfig = {
    allowPrivateTargets: options.allowPrivateTargets === true,
    senderThread: options.senderThread === true,
  };
  if (options.retrySchedule !== undefined) {
    try {
      config.retryScheduleMs = parseRetrySchedule(options.retrySchedule);
    } catch (err) {
      failWith(`--retry-schedule: ${(err as Error).message}`);
    }
  }
  if (options.allowTargets !== undefined) {
    const cidrs = options.allowTargets
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    for (const cidr of cidrs) {
      try {
        parseCidr(cidr);
      } catch (err) {
        failWith(`--allow-targets: ${(err as Error).message}`);
      }
    }
    config.allowTargets = cidrs;
  }
  if (options.deliveryConcurrency !== undefined) {
    config.claimLimit = positiveInt('--delivery-concurrency', options.deliveryConcurrency);
  }
  if (options.endpointConcurrency !== undefined) {
    config.maxPerEndpoint = positiveInt('--endpoint-concurrency', options.endpointConcurrency);
  }
  if (options.attemptTimeout !== undefined) {
    config.attemptTimeoutMs = durationOption('--attempt-timeout', options.attemptTimeout);
  }
  return config;
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    failWith(`${flag} must be a positive integer, not '${value}'`);
  return n;
}

function durationOption(flag: string, value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    return failWith(`${flag}: ${(err as Error).message}`);
  }
}
