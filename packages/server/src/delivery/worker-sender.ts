// A WebhookSender that runs in a worker thread: the HTTP work of every attempt (undici's
// sockets, parsing and timers) leaves the main thread, which keeps ingest and SQLite.
// Sends made in one turn of the main loop cross to the worker as one message, and the
// worker answers in batches too; ids map the answers back to the callers' promises.
// Like WebhookSender, `send` never throws: a worker that dies answers its pending sends
// with a failed attempt, and the next send starts a new one.
import type { Worker } from 'node:worker_threads';
import { siblingModule, startModuleWorker } from '../module-worker.ts';
import type {
  SenderWorkerData,
  SenderWorkerReply,
  SenderWorkerRequest,
  WireSend,
} from './sender-worker.ts';
import type { AttemptResult, SendRequest, WebhookSenderOptions } from './webhook-sender.ts';

/** How long close() lets the worker finish what it has before terminating it. */
export const DEFAULT_CLOSE_GRACE_MS = 2_000;

/** WebhookSender's options that can cross to a thread: not the resolver or the clock. */
export interface WorkerSenderOptions extends Omit<WebhookSenderOptions, 'resolve' | 'clock'> {
  closeGraceMs?: number;
}

/** One started worker and what it owes: the sends not yet posted and those not yet answered. */
interface SenderThread {
  worker: Worker;
  pending: Map<number, (result: AttemptResult) => void>;
  outbox: WireSend[];
  flushScheduled: boolean;
  /** Set once the worker has errored or exited: it answers nothing more. */
  dead: boolean;
  exited: Promise<void>;
}

export class WorkerSender {
  private readonly data: SenderWorkerData;
  private readonly closeGraceMs: number;
  private thread: SenderThread | undefined;
  private nextId = 1;
  private closing: Promise<void> | undefined;

  constructor(options: WorkerSenderOptions) {
    this.data = {
      version: options.version,
      allowPrivateTargets: options.policy.allowPrivateTargets,
      allowTargets: [...options.policy.allowTargets],
      ...(options.connectTimeoutMs !== undefined && { connectTimeoutMs: options.connectTimeoutMs }),
      ...(options.keepAliveTimeoutMs !== undefined && {
        keepAliveTimeoutMs: options.keepAliveTimeoutMs,
      }),
    };
    this.closeGraceMs = options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS;
  }

  send(request: SendRequest): Promise<AttemptResult> {
    if (this.closing) return Promise.resolve(failed('the webhook sender is closed'));
    let thread: SenderThread;
    try {
      thread = this.thread ?? this.startThread();
    } catch (error) {
      return Promise.resolve(failed(`cannot start the sender thread: ${messageOf(error)}`));
    }
    const id = this.nextId++;
    const wire: WireSend = {
      id,
      url: String(request.url),
      headers: request.headers,
      body: request.body,
      ...(request.timeoutMs !== undefined && { timeoutMs: request.timeoutMs }),
    };
    return new Promise((resolve) => {
      // While an answer is owed the worker holds the process, as the socket of an
      // in-process send would; an idle worker never does.
      if (thread.pending.size === 0) thread.worker.ref();
      thread.pending.set(id, resolve);
      thread.outbox.push(wire);
      if (!thread.flushScheduled) {
        thread.flushScheduled = true;
        setImmediate(() => this.flush(thread));
      }
    });
  }

  /**
   * Lets the worker answer what it has, close its Agent and end; terminates it if it has
   * not ended within the grace. Resolves once it has ended. Later sends fail at once.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const thread = this.thread;
      if (!thread) return;
      if (!thread.dead) {
        this.flush(thread);
        this.post(thread, { type: 'close' });
      }
      const grace = setTimeout(() => void thread.worker.terminate(), this.closeGraceMs);
      await thread.exited;
      clearTimeout(grace);
    })();
    return this.closing;
  }

  /** Ends the current worker as a crash would, and waits until its pending sends are answered. */
  async terminateForTest(): Promise<void> {
    const thread = this.thread;
    if (!thread) return;
    await thread.worker.terminate();
    await thread.exited;
  }

  private startThread(): SenderThread {
    const worker = startModuleWorker(
      siblingModule(import.meta.url, 'sender-worker'),
      this.data as unknown as Record<string, unknown>,
    );
    let markExited!: () => void;
    const thread: SenderThread = {
      worker,
      pending: new Map(),
      outbox: [],
      flushScheduled: false,
      dead: false,
      exited: new Promise((resolve) => {
        markExited = resolve;
      }),
    };
    worker.on('message', (reply: SenderWorkerReply) => this.receive(thread, reply));
    worker.on('error', (error) => this.fail(thread, `the sender thread failed: ${error.message}`));
    worker.on('exit', (code) => {
      this.fail(thread, `the sender thread exited (code ${code})`);
      markExited();
    });
    // After the listeners: the first 'message' listener refs the worker again.
    worker.unref();
    this.thread = thread;
    return thread;
  }

  private flush(thread: SenderThread): void {
    thread.flushScheduled = false;
    if (thread.dead || thread.outbox.length === 0) return;
    const sends = thread.outbox;
    thread.outbox = [];
    this.post(thread, { type: 'send', sends });
  }

  private post(thread: SenderThread, request: SenderWorkerRequest): void {
    try {
      thread.worker.postMessage(request);
    } catch (error) {
      // Only a request that cannot be cloned gets here; its sends fail, the worker lives on.
      if (request.type === 'send') {
        const message = `cannot pass the request to the sender thread: ${messageOf(error)}`;
        for (const { id } of request.sends) this.settle(thread, id, failed(message));
      }
    }
  }

  private receive(thread: SenderThread, reply: SenderWorkerReply): void {
    for (const { id, result } of reply.results) this.settle(thread, id, result);
  }

  private settle(thread: SenderThread, id: number, result: AttemptResult): void {
    const resolve = thread.pending.get(id);
    if (!resolve) return;
    thread.pending.delete(id);
    if (thread.pending.size === 0) thread.worker.unref();
    resolve(result);
  }

  /** The worker is gone (or going): every send it owes fails, and the next send starts another. */
  private fail(thread: SenderThread, reason: string): void {
    thread.dead = true;
    if (this.thread === thread) this.thread = undefined;
    const message = `${reason} before answering; the endpoint may or may not have received the request`;
    for (const id of [...thread.pending.keys()]) this.settle(thread, id, failed(message));
    thread.outbox = [];
  }
}

function failed(message: string): AttemptResult {
  return {
    ok: false,
    statusCode: null,
    latencyMs: 0,
    responseBody: '',
    error: { code: 'other', message },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
