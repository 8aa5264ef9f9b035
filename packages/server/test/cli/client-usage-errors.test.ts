import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import { EVENT_TYPES } from '@callhook/sdk';
import { runCli } from './support/run-cli.ts';

// Bad command lines of the client commands: exit 2 with one clear line on stderr, before any
// request is made (the server here does not exist). A missing server is exit 1.

const KEY = { CALLHOOK_API_KEY: 'some-key' };
const opts = { timeout: 30_000 };

const usageErrors: { args: string[]; env?: Record<string, string>; message: RegExp }[] = [
  {
    args: ['trigger', 'call.created'],
    env: {},
    message: /an API key is required: pass --api-key <key> or set CALLHOOK_API_KEY/,
  },
  {
    args: ['endpoints', 'list'],
    env: {},
    message: /an API key is required/,
  },
  {
    args: ['trigger', 'call.started'],
    message: new RegExp(
      `unknown event type 'call.started'; the event types are: ${EVENT_TYPES.join(', ')}`,
    ),
  },
  { args: ['trigger'], message: /missing required argument 'eventType'/ },
  {
    args: ['trigger', 'call.created', '--thread', 'a b'],
    message: /--thread must be 1-128 characters/,
  },
  { args: ['trigger', 'call.created', '--server', 'ftp://x'], message: /--server must be an http/ },
  { args: ['listen'], message: /required option '--forward-to <url>' not specified/ },
  { args: ['listen', '--forward-to', 'localhost:3000'], message: /--forward-to must be an http/ },
  {
    args: ['listen', '--forward-to', 'http://localhost:3000', '--secret', 'whsec_not base64!'],
    message: /--secret: webhook secret must be "whsec_" followed by base64/,
  },
  {
    args: ['listen', '--forward-to', 'http://localhost:3000', '--types', 'call.created,call.nope'],
    message: /unknown event type in --types 'call.nope'/,
  },
  { args: ['endpoints', 'add'], message: /missing required argument 'url'/ },
  {
    args: ['endpoints', 'add', 'https://x.example', '--types', ','],
    message: /--types needs at least one/,
  },
  {
    args: ['deliveries', 'list', 'ep_1', '--status', 'lost'],
    message: /--status must be one of pending, delivered, failed/,
  },
  { args: ['replay', 'ep_1'], message: /required option '--since <time>' not specified/ },
  {
    args: ['replay', 'ep_1', '--since', 'yesterday'],
    message: /--since must be a time: .*'yesterday' is none of these/,
  },
  {
    args: ['replay', 'ep_1', '--since', '1h', '--until', '2h'],
    message: /--until \(.*\) is before --since/,
  },
  { args: ['endpoints', 'list', '--verbose'], message: /unknown option '--verbose'/ },
];

// Each case is its own process; a few at a time keep the run short on a small machine.
describe('usage errors', { concurrency: 4 }, () => {
  for (const { args, env = KEY, message } of usageErrors) {
    test(`callhook ${args.join(' ')} → exit 2: ${message.source.slice(0, 50)}`, opts, async () => {
      const run = await runCli(args, { CALLHOOK_SERVER: 'http://127.0.0.1:9', ...env });
      assert.equal(run.code, 2, `stdout: ${run.stdout}\nstderr: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
    });
  }
});

test('no server at --server: exit 1 and a hint to start one', opts, async () => {
  const port = await closedPort();
  const url = `http://127.0.0.1:${port}`;
  const run = await runCli(['trigger', 'call.created', '--server', url], KEY);
  assert.equal(run.code, 1, run.stderr);
  assert.equal(
    run.stderr.split('\n')[0],
    `callhook: cannot reach the callhook server at ${url} — is \`callhook serve\` running? (connect ECONNREFUSED 127.0.0.1:${port})`,
  );
});

test(
  'listen with no server to follow: exit 1 with the same hint, not a retry loop',
  opts,
  async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await runCli(
      ['listen', '--forward-to', 'http://127.0.0.1:3000/hooks', '--server', url],
      KEY,
    );
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      /cannot reach the callhook server at .* — is `callhook serve` running\?/,
    );
  },
);

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
