import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { TargetPolicy } from '../../src/delivery/target-policy.ts';
import { type AttemptResult, WebhookSender } from '../../src/delivery/webhook-sender.ts';
import { WorkerSender } from '../../src/delivery/worker-sender.ts';
import { openHarness } from './dispatcher-harness.ts';
import { type LoopbackServer, startLoopbackServer } from './loopback-server.ts';

// docs/contract.md §4: endpoints never wait on each other — not even two on one host, which share
// an origin (scheme + host + port) and so the sender's connection pool. `/hang` accepts every
// request and never answers; `/ok` answers 204. With an endpoint's worth of attempts hanging
// on `/hang`, an attempt to `/ok` is answered at once, long before any hanging attempt could
// time out: no per-origin connection cap lets one endpoint's attempts hold the other's back.

/** The dispatcher's default slots per endpoint (`maxPerEndpoint`). */
const PER_ENDPOINT = 16;
/** Outlasts the test: no hanging attempt ends on its own. */
const HANG_TIMEOUT_MS = 600_000;
/** Loopback answers take milliseconds; waiting this long means `/ok` was queued. */
const PROMPTLY_MS = 5_000;

const body = JSON.stringify({ eventType: 'call.created' });
const loopbackPolicy = () => new TargetPolicy({ allowTargets: ['127.0.0.0/8'] });

interface SameHost {
  server: LoopbackServer;
  /** Resolves once `count` requests have reached `/hang`. */
  hangingArrived(count: number): Promise<void>;
}

async function startSameHost(): Promise<SameHost> {
  const waiters: { count: number; resolve: () => void }[] = [];
  let hanging = 0;
  const server = await startLoopbackServer((req, res) => {
    if (req.url === '/hang') {
      hanging += 1;
      for (const w of waiters) if (hanging >= w.count) w.resolve();
      return; // accepted and read, never answered
    }
    req.on('end', () => res.writeHead(req.url === '/ok' ? 204 : 404).end());
  });
  return {
    server,
    hangingArrived: (count) =>
      new Promise((resolve) => {
        if (hanging >= count) resolve();
        else waiters.push({ count, resolve });
      }),
  };
}

/** `promise`, or a failure naming `what` once `ms` have passed without it. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `condition` (a store read) until it holds, failing after `ms`. */
async function until(ms: number, what: string, condition: () => Promise<boolean>): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(5);
  }
}

type Sender = Pick<WebhookSender, 'send' | 'close'>;
const senders: [string, () => Sender][] = [
  ['in-process sender', () => new WebhookSender({ version: 'test', policy: loopbackPolicy() })],
  ['sender thread', () => new WorkerSender({ version: 'test', policy: loopbackPolicy() })],
];

describe('sender: endpoints on one host never wait on each other', { timeout: 60_000 }, () => {
  for (const [name, make] of senders) {
    it(`${name}: ${PER_ENDPOINT} attempts hanging on /hang, one to /ok is answered at once`, async () => {
      const host = await startSameHost();
      const sender = make();
      const hanging: Promise<AttemptResult>[] = [];
      let hangingEnded = 0;
      try {
        for (let i = 0; i < PER_ENDPOINT; i += 1) {
          const url = `${host.server.url}/hang`;
          const attempt = sender.send({ url, headers: {}, body, timeoutMs: HANG_TIMEOUT_MS });
          hanging.push(attempt.finally(() => (hangingEnded += 1)));
        }
        await within(PROMPTLY_MS, 'all reach /hang', host.hangingArrived(PER_ENDPOINT));

        // Bounded here too: a send queued behind a full pool never sees its own timeout.
        const url = `${host.server.url}/ok`;
        const send = sender.send({ url, headers: {}, body, timeoutMs: PROMPTLY_MS });
        const ok = await within(PROMPTLY_MS, 'the /ok send answered', send);
        assert.deepEqual(ok.error, undefined);
        assert.equal(ok.statusCode, 204);
        assert.equal(hangingEnded, 0, 'every /hang attempt is still in flight');
        // Each hanging attempt holds a connection; /ok had one of its own.
        assert.equal(host.server.connections, PER_ENDPOINT + 1);
      } finally {
        await host.server.close(); // ends the hanging attempts
        await Promise.all(hanging);
        await sender.close();
      }
    });
  }

  it('through a dispatcher: /hang holding all its slots, a delivery to /ok is delivered at once', async () => {
    const h = await openHarness();
    const host = await startSameHost();
    try {
      const hang = await h.addEndpoint(`${host.server.url}/hang`);
      for (let i = 0; i < PER_ENDPOINT; i += 1) await h.emit(randomUUID(), 1);
      const dispatcher = h.dispatcher({
        maxPerEndpoint: PER_ENDPOINT,
        attemptTimeoutMs: HANG_TIMEOUT_MS,
      });
      const startedAt = h.clock.now();
      await dispatcher.start();
      await within(PROMPTLY_MS, 'all reach /hang', host.hangingArrived(PER_ENDPOINT));

      // The new call goes to both; /hang's share waits in the store behind its full slots.
      const ok = await h.addEndpoint(`${host.server.url}/ok`);
      const [event] = await h.emit(randomUUID(), 1);
      const delivered = async () => (await h.deliveries(ok.id, 'delivered')).length === 1;
      await until(PROMPTLY_MS, 'the /ok delivery delivered', delivered);

      const [delivery] = await h.deliveries(ok.id);
      assert.equal(delivery?.callId, event?.callId);
      assert.deepEqual(
        delivery?.attempts.map((a) => a.statusCode),
        [204],
      );
      // No timer was needed, and every /hang attempt is still out.
      assert.equal(h.clock.now(), startedAt);
      assert.equal(dispatcher.stats().inFlight, PER_ENDPOINT);
      assert.equal((await h.deliveries(hang.id, 'delivered')).length, 0);
    } finally {
      await host.server.close(); // ends the hanging attempts, so stop() need not wait
      await h.close();
    }
  });
});
