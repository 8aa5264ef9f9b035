import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serverForThisFile } from '../cli/support/file-server.ts';
import { runCli } from '../cli/support/run-cli.ts';

// `callhook keys create|list|revoke` against a real `callhook serve`.

const opts = { timeout: 90_000 };
const served = serverForThisFile('keys');

test(
  'keys create prints the key once; it works with its scope only; revoke ends it',
  opts,
  async () => {
    const made = await runCli(
      ['keys', 'create', '--name', 'dashboard', '--scopes', 'events:read', '--rate-limit', '50'],
      served.env,
    );
    assert.equal(made.code, 0, made.stderr);
    const id = /Created API key (key_[0-9a-f]{32}) \(dashboard\): events:read, 50\/s/.exec(
      made.stdout,
    )?.[1];
    const key = /Key: (chk_\S+)/.exec(made.stdout)?.[1];
    assert.ok(id && key, made.stdout);

    const listed = await runCli(['keys', 'list'], served.env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${id}\\s+dashboard\\s+events:read\\s+50/s`));
    assert.ok(!listed.stdout.includes(key), 'the key is shown once, at creation');

    const asDashboard = { ...served.env, CALLHOOK_API_KEY: key };
    const forbidden = await runCli(['keys', 'list'], asDashboard);
    assert.equal(forbidden.code, 1);
    assert.match(forbidden.stderr, /admin/);

    const revoked = await runCli(['keys', 'revoke', id], served.env);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(`Revoked API key ${id}`));
    const json = await runCli(['keys', 'list', '--json'], served.env);
    assert.deepEqual(JSON.parse(json.stdout), []);
  },
);

test('keys create refuses an unknown scope before asking the server', opts, async () => {
  const run = await runCli(['keys', 'create', '--name', 'x', '--scopes', 'root'], served.env);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /unknown scope 'root'; choose from admin, calls:write/);
});
