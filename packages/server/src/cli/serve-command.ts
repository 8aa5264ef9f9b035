import type { Command } from 'commander';
import { resolveApiKey } from '../auth/api-key.ts';
import { parseDuration, parseRetrySchedule } from '../delivery/retry-schedule.ts';
import { parseCidr } from '../delivery/target-policy.ts';
import { DEFAULT_ENGINE_CONFIG } from '../engine/call-state.ts';
import { parseListenAddress } from '../http/metrics-listener.ts';
import type { DeliveryConfig, ServerConfig } from '../server.ts';
import { VERSION } from '../version.ts';
import { failWith, parsePort } from './option-parsers.ts';
import { collectValues, sipServeConfig } from './sip-command.ts';
import { exitOnStartupFailure } from './startup-failure.ts';

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
  retention: string;
  /** True with --sender-thread. */
  senderThread?: boolean;
  /** --sip <address>, repeatable. */
  sip?: string[];
  sipRing?: string;
  /** True with --replace-api-key. */
  replaceApiKey?: boolean;
  adminRateLimit?: string;
  metricsListen?: string;
  maxConnections?: string;
  maxStreamsPerKey?: string;
  /** False with --no-console. */
  console: boolean;
  databaseUrl?: string;
  poolSize: string;
  statementTimeout: string;
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
      '--database-url <url>',
      'store everything in this PostgreSQL database (postgres://user:password@host:5432/db) instead of SQLite under --data; several nodes may share it (docs/postgres.md) [env: DATABASE_URL]',
      process.env.DATABASE_URL,
    )
    .option(
      '--pool-size <n>',
      'PostgreSQL connections this node opens at most',
      process.env.CALLHOOK_POOL_SIZE ?? '10',
    )
    .option(
      '--statement-timeout <duration>',
      'PostgreSQL: the longest one statement may run (0 = no limit)',
      process.env.CALLHOOK_STATEMENT_TIMEOUT ?? '30s',
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
      '--retention <duration>',
      'delete events, deliveries and idempotency records older than this (0 = keep forever)',
      process.env.CALLHOOK_RETENTION ?? '30d',
    )
    .option(
      '--sender-thread',
      'make the webhook POSTs in a worker thread of their own (for machines with cores to spare)',
    )
    .option('--no-console', 'do not serve the web console at /console/')
    .option(
      '--sip <address>',
      'also answer SIP on this address, e.g. udp:127.0.0.1:5060 (repeatable; docs/sip.md)',
      collectValues,
    )
    .option('--sip-ring <duration>', 'time between 180 Ringing and 200 OK (default 0)')
    .option(
      '--admin-rate-limit <n>',
      'requests per second the bootstrap admin key may make (default: no limit)',
    )
    .option('--max-connections <n>', 'open HTTP connections at most (default 4096)')
    .option('--max-streams-per-key <n>', 'event streams one API key may hold open (default 32)')
    .option(
      '--metrics-listen <host:port>',
      'also serve /metrics without a key on this address, e.g. 127.0.0.1:9464 (Prometheus)',
    )
    .option(
      '--replace-api-key',
      'let CALLHOOK_API_KEY replace a different admin key stored in the data directory',
    )
    .option(
      '--log-level <level>',
      'fatal|error|warn|info|debug|silent',
      process.env.CALLHOOK_LOG_LEVEL ?? 'warn',
    )
    .addHelpText(
      'after',
      '\nThe admin API key comes from CALLHOOK_API_KEY (at least 16 characters; --replace-api-key to change a stored one), or is generated at first start and printed once. More keys, with scopes: callhook keys create.',
    )
    .action(async (options: ServeOptions) => {
      await serve(options).catch((error: unknown) => exitOnStartupFailure(error, options));
    });
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

async function serve(options: ServeOptions): Promise<void> {
  if (options.durability !== 'default' && options.durability !== 'strict') {
    failWith(`--durability must be 'default' or 'strict', not '${options.durability}'`);
  }
  if (!LOG_LEVELS.includes(options.logLevel)) {
    failWith(`--log-level must be one of ${LOG_LEVELS.join('|')}, not '${options.logLevel}'`);
  }
  const sip = sipOption(options); // checked before the data directory is touched
  const engine = {
    idleTimeoutMs: options.idleTimeout
      ? durationOption('--idle-timeout', options.idleTimeout)
      : DEFAULT_ENGINE_CONFIG.idleTimeoutMs,
    maxDurationMs: options.maxDuration
      ? durationOption('--max-duration', options.maxDuration)
      : DEFAULT_ENGINE_CONFIG.maxDurationMs,
  };
  const key = resolveApiKey(options.data, process.env.CALLHOOK_API_KEY, {
    replace: options.replaceApiKey === true,
  });
  const config: ServerConfig = {
    host: options.host,
    port: parsePort(options.port),
    dataDir: options.data,
    durability: options.durability as ServerConfig['durability'],
    engine,
    apiKeyHash: key.hash,
    delivery: deliveryConfig(options),
    ...(options.adminRateLimit !== undefined && {
      adminRateLimitPerSecond: positiveNumber('--admin-rate-limit', options.adminRateLimit),
    }),
    ...httpLimitsOption(options),
    ...(options.metricsListen !== undefined && {
      metricsListen: metricsListenOption(options.metricsListen),
    }),
    ...databaseOption(options),
    retentionMs: durationOption('--retention', options.retention),
    // CALLHOOK_CONSOLE_DIR: a console build from elsewhere (the browser tests build their own).
    console: options.console
      ? process.env.CALLHOOK_CONSOLE_DIR
        ? { dir: process.env.CALLHOOK_CONSOLE_DIR }
        : {}
      : false,
    ...sip,
    logger: { level: options.logLevel },
  };
  // Loaded here, not at the top: every other command (and --help) starts without the server.
  const { startServer } = await import('../server.ts');
  const server = await startServer(config);
  // One write, so whoever reads the banner sees it whole; the key line is always last.
  const keyLine = key.generated
    ? `admin API key (shown once; only its hash is stored): ${key.generated}`
    : `admin API key: ${key.source === 'env' ? 'from CALLHOOK_API_KEY' : 'as stored in the data directory'}`;
  process.stdout.write(
    [
      `callhook ${VERSION} listening on ${server.url}`,
      config.database
        ? `data: ${server.store.location} (PostgreSQL; node id and key hash in ${options.data})`
        : `data: ${server.databasePath} (durability: ${config.durability})`,
      ...(server.sip
        ? [`sip: ${server.sip.addresses.map((a) => `udp:${a.address}:${a.port}`).join(' ')}`]
        : []),
      ...(server.metricsUrl ? [`metrics (no key): ${server.metricsUrl}`] : []),
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

function httpLimitsOption(options: ServeOptions): Pick<ServerConfig, 'httpLimits'> {
  const limits: NonNullable<ServerConfig['httpLimits']> = {};
  if (options.maxConnections !== undefined) {
    limits.maxConnections = positiveInt('--max-connections', options.maxConnections);
  }
  if (options.maxStreamsPerKey !== undefined) {
    limits.maxStreamsPerKey = positiveInt('--max-streams-per-key', options.maxStreamsPerKey);
  }
  return Object.keys(limits).length > 0 ? { httpLimits: limits } : {};
}

function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) failWith(`${flag} must be a positive number, not '${value}'`);
  return n;
}

function metricsListenOption(value: string): { host: string; port: number } {
  try {
    return parseListenAddress(value);
  } catch (err) {
    return failWith(`--metrics-listen: ${(err as Error).message}`);
  }
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

function sipOption(options: ServeOptions): Pick<ServerConfig, 'sip'> {
  const sip = sipServeConfig(options);
  return sip ? { sip } : {};
}

/** --database-url (or DATABASE_URL): the PostgreSQL store and its pool settings. */
function databaseOption(options: ServeOptions): Pick<ServerConfig, 'database'> {
  if (!options.databaseUrl) return {};
  const url = options.databaseUrl;
  if (!/^postgres(ql)?:\/\//.test(url)) {
    failWith(
      `--database-url must be a postgres:// or postgresql:// URL, not '${url.replace(/:[^:@/]*@/, ':***@')}'`,
    );
  }
  const poolSize = Number(options.poolSize);
  if (!Number.isInteger(poolSize) || poolSize < 2 || poolSize > 1000) {
    failWith(`--pool-size must be an integer from 2 to 1000, not '${options.poolSize}'`);
  }
  const statementTimeoutMs =
    options.statementTimeout === '0'
      ? 0
      : durationOption('--statement-timeout', options.statementTimeout);
  return { database: { url, poolSize, statementTimeoutMs } };
}
