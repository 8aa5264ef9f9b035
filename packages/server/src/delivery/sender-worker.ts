import { parentPort, workerData } from 'node:worker_threads';
import { TargetPolicy } from './target-policy.ts';
import { type AttemptResult, WebhookSender } from './webhook-sender.ts';

// The thread of WorkerSender (worker-sender.ts). It holds a real WebhookSender, so undici's
// parsing, sockets and timers run here instead of on the main thread's event loop. Requests
// arrive in batches and results leave in batches: one structured clone per batch is far
// cheaper than one per attempt.

/** Everything the worker's WebhookSender is built from; plain data, so it can be cloned. */
export interface SenderWorkerData {
  version: string;
  allowPrivateTargets: boolean;
  allowTargets: string[];
  connectTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
}

/** One SendRequest as it crosses threads: the URL as text, and the id its answer carries. */
export interface WireSend {
  id: number;
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs?: number;
}

export type SenderWorkerRequest = { type: 'send'; sends: WireSend[] } | { type: 'close' };

export type SenderWorkerReply = {
  type: 'results';
  results: { id: number; result: AttemptResult }[];
};

if (!parentPort) throw new Error('sender-worker.ts runs as a worker thread only');
const port = parentPort;
const data = workerData as SenderWorkerData;

const sender = new WebhookSender({
  version: data.version,
  policy: new TargetPolicy({
    allowPrivateTargets: data.allowPrivateTargets,
    allowTargets: data.allowTargets,
  }),
  ...(data.connectTimeoutMs !== undefined && { connectTimeoutMs: data.connectTimeoutMs }),
  ...(data.keepAliveTimeoutMs !== undefined && { keepAliveTimeoutMs: data.keepAliveTimeoutMs }),
});

const inFlight = new Set<Promise<void>>();
let outbox: { id: number; result: AttemptResult }[] = [];
let flushScheduled = false;

// Answers collect until the next turn of this thread's loop: several sockets answering in
// the same turn then cost the main thread one message, not one each.
function answer(id: number, result: AttemptResult): void {
  outbox.push({ id, result });
  if (flushScheduled) return;
  flushScheduled = true;
  setImmediate(flush);
}

function flush(): void {
  flushScheduled = false;
  if (outbox.length === 0) return;
  const results = outbox;
  outbox = [];
  port.postMessage({ type: 'results', results } satisfies SenderWorkerReply);
}

function start(send: WireSend): void {
  const { id, ...request } = send;
  const done: Promise<void> = sender.send(request).then((result) => {
    inFlight.delete(done);
    answer(id, result);
  });
  inFlight.add(done);
}

async function close(): Promise<void> {
  // Every send already asked for is answered first; then the Agent's idle sockets close and
  // nothing is left to keep the thread alive.
  await Promise.all(inFlight);
  await sender.close();
  flush();
  port.close();
}

port.on('message', (request: SenderWorkerRequest) => {
  if (request.type === 'close') {
    void close();
    return;
  }
  for (const send of request.sends) start(send);
});
