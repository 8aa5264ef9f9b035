import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashApiKey } from '../../src/auth/api-key.ts';
import { ManualClock } from '../../src/clock.ts';
import { DEFAULT_ENGINE_CONFIG } from '../../src/engine/call-state.ts';
import { type RunningServer, startServer } from '../../src/server.ts';

// Runs the shell examples of docs/api.md against a real `callhook` server (in this process,
// on loopback, its clock moved by the examples so times and durations come out the same on
// every run) with real curl, in one bash session so that variables carry from one example
// to the next. A webhook receiver on loopback answers 204 to every delivery.

/** The admin key the examples use, as `docs/api.md` tells the reader to start the server. */
export const DOCS_API_KEY = 'chk_demo';
/** Where the server's clock starts: the examples' times are counted from here. */
export const DOCS_CLOCK_START = Date.UTC(2026, 11, 1, 9, 0, 0);

export interface ExampleSession {
  /** The receiver's URL, for endpoints: `$HOOK` in the examples. */
  hookUrl: string;
  /** Runs one example in the session and returns what it printed (stdout, then stderr). */
  run(script: string, options: { advanceMs: number }): Promise<string>;
  close(): Promise<void>;
}

const MARK = '__callhook_example_done__';

export async function openExampleSession(): Promise<ExampleSession> {
  const dataDir = mkdtempSync(join(tmpdir(), 'callhook-api-docs-'));
  const clock = new ManualClock(DOCS_CLOCK_START);
  const server: RunningServer = await startServer(
    {
      host: '127.0.0.1',
      port: 0,
      dataDir,
      durability: 'default',
      engine: DEFAULT_ENGINE_CONFIG,
      apiKeyHash: hashApiKey(DOCS_API_KEY),
      delivery: { allowPrivateTargets: true },
      console: false,
    },
    { clock },
  );
  const receiver = await startReceiver();
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  const bash = spawn('bash', ['--noprofile', '--norc'], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LANG: 'C.UTF-8',
      B: server.url,
      H: `authorization: Bearer ${DOCS_API_KEY}`,
      HOOK: hookUrl,
    },
  });
  const session = new Session(bash, server, clock);
  return {
    hookUrl,
    run: (script, options) => session.run(script, options),
    async close() {
      bash.stdin.end();
      await once(bash, 'exit');
      await server.close();
      receiver.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

class Session {
  #out = '';
  #err = '';
  readonly #bash: ChildProcessWithoutNullStreams;
  readonly #server: RunningServer;
  readonly #clock: ManualClock;

  constructor(bash: ChildProcessWithoutNullStreams, server: RunningServer, clock: ManualClock) {
    this.#bash = bash;
    this.#server = server;
    this.#clock = clock;
    bash.stdout.setEncoding('utf8').on('data', (d: string) => {
      this.#out += d;
    });
    bash.stderr.setEncoding('utf8').on('data', (d: string) => {
      this.#err += d;
    });
  }

  async run(script: string, options: { advanceMs: number }): Promise<string> {
    // Deliveries go out at once, on real time: let them finish before time moves on, or
    // an attempt would be stamped before or after the move depending on the machine's speed.
    await this.#settle();
    this.#clock.advance(options.advanceMs);
    await this.#settle();
    this.#out = '';
    this.#err = '';
    this.#bash.stdin.write(`${script}\necho ${MARK} >&2\n`);
    const deadline = Date.now() + 20_000;
    while (!this.#err.includes(MARK)) {
      if (Date.now() > deadline) throw new Error(`example did not finish:\n${script}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const err = this.#err.slice(0, this.#err.indexOf(MARK));
    return this.#out + err;
  }

  // Until no delivery is waiting for its first attempt, so a listing shows them done.
  async #settle(): Promise<void> {
    const headers = { authorization: `Bearer ${DOCS_API_KEY}` };
    const deadline = Date.now() + 20_000;
    for (;;) {
      const list = (await (
        await fetch(`${this.#server.url}/v1/endpoints`, { headers })
      ).json()) as {
        endpoints: { id: string }[];
      };
      let pending = 0;
      for (const { id } of list.endpoints) {
        const url = `${this.#server.url}/v1/endpoints/${id}/deliveries?status=pending`;
        const page = (await (await fetch(url, { headers })).json()) as { deliveries: unknown[] };
        pending += page.deliveries.length;
      }
      if (pending === 0) return;
      if (Date.now() > deadline) throw new Error(`${pending} deliveries still pending`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

async function startReceiver(): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}
