import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startCli } from './support/run-cli.ts';

// `callhook listen` signs with one secret per server, kept in the config directory: a bot
// configured with it once still verifies after listen restarts; --secret overrides it, and
// another server gets its own.

const configDir = mkdtempSync(join(tmpdir(), 'callhook-listen-secret-'));
after(() => rmSync(configDir, { recursive: true, force: true }));

async function printedSecret(args: string[]): Promise<string> {
  // No server listens there: listen prints its secret first, then keeps trying to connect.
  const cli = startCli(
    ['listen', '--forward-to', 'http://127.0.0.1:9/hooks', '--api-key', 'k', ...args],
    {
      CALLHOOK_CONFIG_DIR: configDir,
    },
  );
  try {
    const [, secret] = await cli.waitForOutput(/signing secret is (whsec_\S+)/);
    return secret!;
  } finally {
    cli.child.kill('SIGKILL');
    await cli.exited;
  }
}

describe('callhook listen: the local signing secret', () => {
  it('is the same on every run against one server, and kept for its owner only', async () => {
    const first = await printedSecret(['--server', 'http://127.0.0.1:1']);
    const second = await printedSecret(['--server', 'http://127.0.0.1:1/']);
    assert.equal(second, first);
    const file = join(configDir, 'listen-secrets.json');
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { 'http://127.0.0.1:1': first });
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it('differs per server, and --secret wins without being stored', async () => {
    const one = await printedSecret(['--server', 'http://127.0.0.1:1']);
    const other = await printedSecret(['--server', 'http://127.0.0.1:2']);
    assert.notEqual(other, one);
    const cli = startCli(
      [
        'listen',
        '--forward-to',
        'http://127.0.0.1:9/hooks',
        '--api-key',
        'k',
        '--server',
        'http://127.0.0.1:3',
        '--secret',
        `whsec_${Buffer.alloc(24, 1).toString('base64')}`,
      ],
      { CALLHOOK_CONFIG_DIR: configDir },
    );
    await cli.waitForOutput(/Signing with the secret given in --secret/);
    cli.child.kill('SIGKILL');
    await cli.exited;
    const kept = JSON.parse(readFileSync(join(configDir, 'listen-secrets.json'), 'utf8'));
    assert.equal(kept['http://127.0.0.1:3'], undefined);
  });
});
