import { spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

// The BullMQ baseline needs the local Redis (127.0.0.1:6379). If it is not up, the bench
// starts it the way this machine's CI does; if that fails too, only the baseline is skipped.

export const REDIS = { host: '127.0.0.1', port: 6379 } as const;

const START_ARGS = [
  '--daemonize',
  'yes',
  '--bind',
  '127.0.0.1',
  '-::1',
  '--port',
  String(REDIS.port),
  '--save',
  '',
  '--appendonly',
  'no',
  '--dir',
  '/var/lib/redis',
  '--logfile',
  '/var/log/redis/ci.log',
];

/** Undefined when Redis answers PING (started here if need be); else why not. */
export async function ensureRedis(log: (line: string) => void): Promise<string | undefined> {
  if (await ping()) return undefined;
  log('Redis is not answering on 127.0.0.1:6379; starting redis-server');
  const started = spawnSync('redis-server', START_ARGS, { encoding: 'utf8', timeout: 10_000 });
  if (started.error || started.status !== 0) {
    return `Redis is down and redis-server could not be started: ${started.error?.message ?? started.stderr.trim()}`;
  }
  for (let i = 0; i < 50; i++) {
    if (await ping()) return undefined;
    await sleep(100);
  }
  return 'redis-server was started but does not answer PING on 127.0.0.1:6379 within 5 s';
}

/** One PING over a raw socket (no client library needed for a yes/no). */
function ping(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(REDIS);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
