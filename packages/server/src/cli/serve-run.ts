import { resolveApiKey } from '../auth/api-key.ts';
import { parseDuration, parseRetrySchedule } from '../delivery/retry-schedule.ts';
import { parseCidr } from '../delivery/target-policy.ts';
import { DEFAULT_ENGINE_CONFIG } from '../engine/call-state.ts';
import { parseListenAddress } from '../http/metrics-listener.ts';
import type { DeliveryConfig, ServerConfig } from '../server.ts';
import type { SipConfig } from '../sip/sip-config.ts';
import { parseSipListenAddress } from '../sip/sip-listen-address.ts';
import { VERSION } from '../version.ts';
import { failWith, parsePort } from './option-parsers.ts';
import type { ServeOptions } from './serve-command.ts';

// Runs `callhook serve`: checks the options, starts the server, prints the banner, and shuts
// down on SIGTERM/SIGINT. Imported by the command's action only (serve-command.ts).

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export async function serve(options: ServeOptions): Promise<void> {
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
        ? [
            `sip: ${server.sip.addresses.map((a) => `${a.transport}:${a.address}:${a.port}`).join(' ')}`,
          ]
        : []),
      ...(server.metricsUrl ? [`metrics (no key): ${server.metricsUrl}`] : []),
      keyLine,
      '',
    ].join('\n'),
  );
  for (const warning of server.store.warnings ?? []) {
    process.stderr.write(`callhook: warning: ${warning}\n`);
  }

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

/** `serve --sip <address>… --sip-ring <duration>` as the server's SIP config (none without --sip). */
function sipServeConfig(options: { sip?: string[]; sipRing?: string }): SipConfig | undefined {
  const addresses = options.sip ?? [];
  if (addresses.length === 0) {
    if (options.sipRing !== undefined) failWith('--sip-ring needs --sip <address>');
    return undefined;
  }
  const listen = addresses.map((text) => {
    try {
      return parseSipListenAddress(text);
    } catch (err) {
      return failWith(`--sip: ${(err as Error).message}`);
    }
  });
  if (options.sipRing === undefined) return { listen };
  try {
    return { listen, ringMs: parseDuration(options.sipRing) };
  } catch (err) {
    return failWith(`--sip-ring: ${(err as Error).message}`);
  }
}
