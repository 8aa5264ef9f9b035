import { Pool } from 'undici';
import {
  EVENT_SIZED_CALL_ID,
  eventSizedBody,
  PLACEHOLDER_SIGNATURE,
} from '../lib/event-sized-body.ts';
import { FigureRuns } from '../lib/figures.ts';
import { type Receiver, spawnReceiver } from '../processes/receiver.ts';
import { measured, ms, type Scenario } from './scenario.ts';

// 1. The physical limit of this machine for the delivery half: undici POSTs of an event-sized
// body to a node:http receiver (another process) that answers 204 and does nothing else.
// No database, no signing: whatever callhook delivers end to end is a fraction of this.

const BODY = eventSizedBody(EVENT_SIZED_CALL_ID);
const HEADERS = {
  'content-type': 'application/json',
  'webhook-id': '6f1d7c2a-9e3b-4a5c-8d7e-1f2a3b4c5d6e',
  'webhook-timestamp': '1700000000',
  'webhook-signature': PLACEHOLDER_SIGNATURE,
};

export const ceiling: Scenario = {
  id: 'ceiling',
  number: 1,
  title: 'Ceiling: undici → do-nothing node:http receiver',
  async run({ profile, log }) {
    const runs = new FigureRuns({ requestsPerSecond: { label: 'requests/s', unit: 'req/s' } });
    const receiver = spawnReceiver();
    try {
      const { port } = await receiver.call('listen', { mode: 'noop' });
      for (let i = 0; i < profile.repeats; i++) {
        const rate = await blast(receiver, port, profile.ceilingConcurrency, profile);
        log(`ceiling run ${i + 1}/${profile.repeats}: ${Math.round(rate)} requests/s`);
        runs.add({ requestsPerSecond: rate });
      }
    } finally {
      await receiver.stop();
    }
    return measured(
      {
        concurrency: profile.ceilingConcurrency,
        windowSeconds: profile.windowSeconds,
        repeats: profile.repeats,
        bodyBytes: BODY.length,
      },
      runs.figures(),
    );
  },
};

/** Keeps `concurrency` POSTs in flight for the window; completed requests per second. */
async function blast(
  receiver: Receiver,
  port: number,
  concurrency: number,
  profile: { warmupSeconds: number; windowSeconds: number },
): Promise<number> {
  const pool = new Pool(`http://127.0.0.1:${port}`, {
    connections: concurrency,
    keepAliveTimeout: 30_000,
  });
  const post = async () => {
    const res = await pool.request({
      method: 'POST',
      path: '/webhooks',
      headers: HEADERS,
      body: BODY,
    });
    await res.body.dump();
    if (res.statusCode !== 204) throw new Error(`receiver answered ${res.statusCode}`);
  };
  // Bounded in time and in count (no machine does 10^6 requests per second here).
  const loop = async (until: number, counter: { n: number }) => {
    while (performance.now() < until && counter.n < 1_000_000 * profile.windowSeconds) {
      await post();
      counter.n++;
    }
  };
  try {
    const warm = { n: 0 };
    const warmUntil = performance.now() + ms(profile.warmupSeconds);
    await Promise.all(Array.from({ length: concurrency }, () => loop(warmUntil, warm)));
    await receiver.call('reset', undefined);
    const counter = { n: 0 };
    const start = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, () => loop(start + ms(profile.windowSeconds), counter)),
    );
    return counter.n / ((performance.now() - start) / 1000);
  } finally {
    await pool.close();
  }
}
