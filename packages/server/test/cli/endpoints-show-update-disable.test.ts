import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiClient } from '../support/spawn-server.ts';
import { serverForThisFile } from './support/file-server.ts';
import { runCli } from './support/run-cli.ts';

// `callhook endpoints show|update|disable` against a real `callhook serve`: what each prints,
// and what the server holds afterwards.

const opts = { timeout: 150_000 };
const served = serverForThisFile('endpoints-edit', ['--allow-private-targets']);

async function cli(...args: string[]) {
  const run = await runCli(args, served.env);
  assert.equal(run.code, 0, `callhook ${args.join(' ')}\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

test('show, update and disable one endpoint', opts, async () => {
  const api = apiClient(served.server.url, served.apiKey);
  const created = await api('POST', '/v1/endpoints', { url: 'http://127.0.0.1:9/a' });
  const id = String(created.body.id);

  assert.match(
    await cli('endpoints', 'show', id),
    /url: +http:\/\/127\.0\.0\.1:9\/a\n +events: all/,
  );

  const updated = await cli(
    'endpoints',
    'update',
    id,
    '--url',
    'http://127.0.0.1:9/b',
    '--types',
    'call.ended,call.dtmf',
    '--thread',
    'thread-1',
    '--description',
    'billing',
  );
  assert.match(updated, /^Updated endpoint ep_/);
  assert.match(updated, /events: call\.ended, call\.dtmf\n +filter: thread=thread-1/);
  const held = (await api('GET', `/v1/endpoints/${id}`)).body;
  assert.equal(held.url, 'http://127.0.0.1:9/b');
  assert.deepEqual(held.filter, { threadId: 'thread-1' });
  assert.equal(held.description, 'billing');

  await cli('endpoints', 'update', id, '--types', 'all', '--no-filter', '--description', '');
  const reset = (await api('GET', `/v1/endpoints/${id}`)).body;
  assert.deepEqual([reset.eventTypes, reset.filter, reset.description], [null, null, null]);

  assert.match(await cli('endpoints', 'disable', id), /status: disabled \(manual\)/);
  assert.equal((await api('GET', `/v1/endpoints/${id}`)).body.enabled, false);

  const nothing = await runCli(['endpoints', 'update', id], served.env);
  assert.equal(nothing.code, 2);
  assert.match(nothing.stderr, /nothing to change/);
  const missing = await runCli(
    ['endpoints', 'show', 'ep_00000000000000000000000000000000'],
    served.env,
  );
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /404 not_found/);
});
