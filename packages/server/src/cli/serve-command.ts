import type { Command } from 'commander';
import { collectValues } from './option-parsers.ts';

// `callhook serve`: its options only. What runs it (and the server it loads) is in serve-run.ts,
// imported when the command runs, so every other command and --help start without the server.

export interface ServeOptions {
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
      const { exitOnStartupFailure } = await import('./startup-failure.ts');
      const { serve } = await import('./serve-run.ts');
      await serve(options).catch((error: unknown) => exitOnStartupFailure(error, options));
    });
}
