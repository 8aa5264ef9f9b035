import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { hashApiKey } from '../../src/auth/api-key.ts';
import { DEFAULT_ENGINE_CONFIG } from '../../src/engine/call-state.ts';
import { startServer } from '../../src/server.ts';
import { rawSipClient, sipRequest } from './support/udp-sip-client.ts';

// `--sip` is repeatable: each address is a socket of its own, and a request is answered from
// the socket it came in on (a peer that sent to one address would drop an answer from another).

test('two --sip addresses: each answers what it received, from itself', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'callhook-sip-two-'));
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    durability: 'default',
    engine: DEFAULT_ENGINE_CONFIG,
    apiKeyHash: hashApiKey('chk_two-addresses-key'),
    console: false,
    sip: {
      listen: [
        { transport: 'udp', host: '127.0.0.1', port: 0 },
        { transport: 'udp', host: '127.0.0.1', port: 0 },
      ],
    },
    logger: false,
  });
  t.after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const addresses = server.sip!.addresses;
  assert.equal(addresses.length, 2);
  assert.notEqual(addresses[0]!.port, addresses[1]!.port);
  for (const address of addresses) {
    const client = await rawSipClient(t, address, { from: address });
    client.send(sipRequest('OPTIONS', { port: client.port }));
    const [answer] = await client.waitFor(1);
    assert.equal(answer?.status, 200, `port ${address.port}`);
  }
});
