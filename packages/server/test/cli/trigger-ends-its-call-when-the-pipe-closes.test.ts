import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { apiClient } from '../support/spawn-server.ts';
import { serverForThisFile } from './support/file-server.ts';
import { startCli } from './support/run-cli.ts';

// `callhook trigger … | head -1`: the reader closes the pipe after the first line. The
// command must not die halfway with the call active: it runs the flow to its end, ends the
// call, and exits 0 without a word on stderr.
//
// A pass-through proxy in front of the real server holds the flow's first step until the test
// has closed the pipe, so the next line the command writes always meets a closed pipe.

const opts = { timeout: 60_000 };
const served = serverForThisFile('trigger-epipe');
let proxy: Server;
let proxyUrl: string;
let releaseFirstStep: () => void = () => {};
let firstStepHeld: Promise<void> = Promise.resolve();

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

before(() => {
  proxy = createServer(async (req, res) => {
    const body = await bodyOf(req);
    if (req.method === 'POST' && /^\/v1\/calls\/[^/]+\//.test(req.url ?? '')) await firstStepHeld;
    const answer = await fetch(`${served.server.url}${req.url}`, {
      method: req.method!,
      headers: Object.fromEntries(
        Object.entries(req.headers).filter(
          (e): e is [string, string] => typeof e[1] === 'string' && e[0] !== 'host',
        ),
      ),
      ...(body.length > 0 && { body: body.toString() }),
    });
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  return new Promise<void>((resolve) =>
    proxy.listen(0, '127.0.0.1', () => {
      proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      resolve();
    }),
  );
});
after(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

for (const type of ['call.user.paused', 'call.dtmf'] as const) {
  test(
    `trigger ${type} | head -1: the flow finishes, the call ends, exit 0 quietly`,
    opts,
    async () => {
      firstStepHeld = new Promise<void>((resolve) => {
        releaseFirstStep = resolve;
      });
      const cli = startCli(['trigger', type], { ...served.env, CALLHOOK_SERVER: proxyUrl });
      const [, callId] = await cli.waitForOutput(/^call (\S+) /m);
      cli.child.stdout!.destroy(); // the reader has its line and leaves
      releaseFirstStep();
      const { code, signal } = await cli.exited;

      assert.equal(signal, null);
      assert.equal(code, 0, cli.stderr());
      assert.equal(cli.stderr(), '');
      const api = apiClient(served.server.url, served.apiKey);
      const call = await api('GET', `/v1/calls/${callId}`);
      assert.equal(call.status, 200);
      assert.equal(call.body.status, 'ended', 'the call was left active');
      const events = await api('GET', `/v1/events?callId=${callId}&limit=500`);
      const types = (events.body.events as { type: string }[]).map((e) => e.type);
      assert.ok(types.includes(type), `the flow stopped before ${type}: ${types.join(', ')}`);
      assert.equal(types.at(-1), 'call.ended');
    },
  );
}
