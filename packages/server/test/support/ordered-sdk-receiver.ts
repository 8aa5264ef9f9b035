// A webhook receiver built with the SDK in ordered mode, behind a real node:http server on
// loopback, for the end-to-end tests of ordered delivery through a real server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CallEventType,
  createReceiver,
  type Receiver,
  type ReceiverError,
  type Timers,
} from '@callhook/sdk';

/** Timers that only record what they are asked for: a gap timeout never fires by itself. */
export class RecordingTimers implements Timers {
  readonly requested: number[] = [];
  #onRequest: (ms: number) => void = () => {};

  setTimeout(_callback: () => void, ms: number): unknown {
    this.requested.push(ms);
    this.#onRequest(ms);
    return this.requested.length;
  }

  clearTimeout(): void {}

  /** Called at every request from now on. */
  onRequest(listener: (ms: number) => void): void {
    this.#onRequest = listener;
  }
}

/** One request as it reached the server, before the SDK saw it. */
export interface RawArrival {
  seq: string | undefined;
  previousSeq: string | undefined;
  attempt: string | undefined;
}

/** One run of the receiver's handlers. */
export interface HandledEvent {
  seq: number | undefined;
  previousSeq: number | undefined;
  type: CallEventType;
  callId: string;
}

/**
 * Listens first (the endpoint needs the URL), and builds its SDK receiver once it is given
 * the endpoint's secret; until then it answers 503. `whenHandled` rejects once the receiver
 * has asked for a gap timer or reported an error, so a test that should not wait fails fast.
 */
export class OrderedSdkReceiver {
  readonly arrivals: RawArrival[] = [];
  readonly handled: HandledEvent[] = [];
  readonly errors: ReceiverError[] = [];
  readonly timers = new RecordingTimers();
  #receiver: Receiver | undefined;
  #server: Server | undefined;
  #waiters: { count: number; resolve: () => void; reject: (error: Error) => void }[] = [];
  #failure: Error | undefined;

  async listen(): Promise<string> {
    this.#server = createServer((req, res) => {
      this.arrivals.push({
        seq: req.headers['callhook-seq'] as string | undefined,
        previousSeq: req.headers['callhook-previous-seq'] as string | undefined,
        attempt: req.headers['callhook-attempt'] as string | undefined,
      });
      if (this.#receiver === undefined) {
        res.writeHead(503).end();
        return;
      }
      void this.#receiver.node(req, res);
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hooks`;
  }

  /** Builds the SDK receiver: ordered, with a gap timeout far beyond any test. */
  start(secret: string): void {
    this.timers.onRequest((ms) => this.#fail(`the receiver asked for a ${ms} ms gap timer`));
    this.#receiver = createReceiver({
      secret,
      ordered: { gapTimeoutMs: 24 * 60 * 60_000 },
      timers: this.timers,
    })
      .onAny((event, meta) => {
        this.handled.push({
          seq: meta.seq,
          previousSeq: meta.previousSeq,
          type: event.eventType,
          callId: event.callId,
        });
        for (const waiter of this.#waiters.filter((w) => this.handled.length >= w.count)) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      })
      .onError((error) => {
        this.errors.push(error);
        this.#fail(`the receiver reported ${error.code}: ${error.message}`);
      });
  }

  /** Resolves once handlers have run `count` times in all; rejects on a gap timer or error. */
  whenHandled(count: number): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.handled.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ count, resolve, reject }));
  }

  #fail(message: string): void {
    this.#failure ??= new Error(message);
    for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#failure);
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
