import type { Worker } from 'node:worker_threads';
import { siblingModule, startModuleWorker } from '../../module-worker.ts';
import type { CheckpointReply, CheckpointRequest } from './checkpoint-worker.ts';

// The one worker thread that runs the background checkpoints of every store of the process,
// each database on its own connection there. One thread, not one per store: a process that
// opens many stores (the tests do, hundreds of times) pays for starting a thread once.

/** One `wal_checkpoint(PASSIVE)`: frames in the WAL, and how many of them are in the file. */
export interface CheckpointResult {
  /** Another checkpoint (the main connection's, past its bound) was running; nothing was done. */
  busy: boolean;
  log: number;
  checkpointed: number;
}

export type CheckpointerErrorCode =
  /** The checkpointer was closed, or stopped after a failure; checkpoints are inline again. */
  | 'checkpointer_stopped'
  /** The checkpoint thread ended without being asked to (a crash, or terminated). */
  | 'worker_exited'
  /** SQLite failed on the thread's connection (`details.sqliteCode` says how). */
  | 'checkpoint_failed';

export class CheckpointerError extends Error {
  readonly code: CheckpointerErrorCode;
  readonly details: unknown;

  constructor(code: CheckpointerErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'CheckpointerError';
    this.code = code;
    this.details = details;
  }
}

/** How the thread tells a database's checkpointer that it stopped serving it. */
export type OnThreadFailure = (error: Error) => void;

/** How long closing a connection or ending the thread may take before it is terminated. */
const END_TIMEOUT_MS = 5000;

type Answer = Exclude<CheckpointReply, { type: 'failed' }>;

interface Pending {
  held: boolean;
  resolve: (reply: Answer) => void;
  reject: (error: Error) => void;
}

type Request = Exclude<CheckpointRequest, { type: 'end' }>;
/** A request without its id, which request() adds (Omit distributed over the union). */
type RequestBody = Request extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

export class CheckpointThread {
  /** Resolves when the thread has ended, asked to or not. */
  readonly ended: Promise<void>;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly databases = new Map<number, OnThreadFailure>();
  private nextId = 1;
  private holds = 0;
  private ending = false;
  private dead = false;

  constructor() {
    this.worker = startModuleWorker(siblingModule(import.meta.url, 'checkpoint-worker'), {});
    this.worker.on('message', (reply: CheckpointReply) => this.receive(reply));
    this.worker.on('error', (error) => this.die(error));
    let markEnded!: () => void;
    this.ended = new Promise((resolve) => {
      markEnded = resolve;
    });
    this.worker.on('exit', (code) => {
      this.die(new CheckpointerError('worker_exited', `checkpoint thread exited (code ${code})`));
      markEnded();
    });
    // An idle thread does not keep the process alive: a process that forgot to close its
    // store must still exit. After the listeners: the first 'message' listener refs the port.
    this.worker.unref();
  }

  /** Whether new databases can still be given to this thread. */
  get usable(): boolean {
    return !this.ending && !this.dead;
  }

  /** Opens a connection to `path` on the thread; resolves once it is open. */
  open(db: number, path: string, onFailure: OnThreadFailure): Promise<void> {
    this.databases.set(db, onFailure);
    return this.request({ type: 'open', db, path }, false).then(() => {});
  }

  /** `held`: asked for by a caller, so it holds the process until answered, as awaited I/O does. */
  checkpoint(db: number, held: boolean): Promise<CheckpointResult> {
    return this.request({ type: 'checkpoint', db }, held).then((reply) => {
      if (reply.type !== 'checkpointed') throw new Error(`unexpected reply ${reply.type}`);
      return { busy: reply.busy, log: reply.log, checkpointed: reply.checkpointed };
    });
  }

  /** Closes the connection of `db` on the thread; the thread ends once it has none left. */
  async close(db: number): Promise<void> {
    if (!this.databases.delete(db) || this.dead) return;
    const closed = this.request({ type: 'close', db }, true).then(
      () => {},
      () => {}, // the connection died with the thread
    );
    await this.withinTimeout(closed);
    if (this.databases.size === 0) await this.end();
  }

  /** Ends the thread as a crash would; resolves once its databases have heard of it. */
  async terminate(): Promise<void> {
    await this.worker.terminate();
    await this.ended;
  }

  private async end(): Promise<void> {
    if (this.ending) return this.ended;
    this.ending = true;
    this.worker.postMessage({ type: 'end' } satisfies CheckpointRequest);
    this.worker.ref(); // until it has ended: the caller awaits this
    await this.withinTimeout(this.ended);
  }

  /**
   * Shutdown waits for `step` (closing a connection, ending the thread), but not for ever: a
   * thread still busy after END_TIMEOUT_MS (a very long checkpoint) is terminated instead.
   */
  private async withinTimeout(step: Promise<void>): Promise<void> {
    const timeout = setTimeout(() => void this.worker.terminate(), END_TIMEOUT_MS);
    await Promise.race([step, this.ended]);
    clearTimeout(timeout);
  }

  private request(body: RequestBody, held: boolean): Promise<Answer> {
    if (this.dead) {
      return Promise.reject(
        new CheckpointerError('worker_exited', 'the checkpoint thread has ended'),
      );
    }
    const id = this.nextId++;
    if (held && this.holds++ === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { held, resolve, reject });
      this.worker.postMessage({ ...body, id } satisfies CheckpointRequest);
    });
  }

  private receive(reply: CheckpointReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (pending.held && --this.holds === 0 && !this.ending) this.worker.unref();
    if (reply.type !== 'failed') {
      pending.resolve(reply);
      return;
    }
    pending.reject(
      new CheckpointerError('checkpoint_failed', `checkpoint thread: ${reply.message}`, {
        sqliteCode: reply.code,
      }),
    );
  }

  /** The thread cannot serve anyone any more: each database hears it once. */
  private die(error: Error): void {
    if (this.dead) return;
    this.dead = true;
    if (current === this) current = undefined;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    const failures = [...this.databases.values()];
    this.databases.clear();
    if (!this.ending) for (const onFailure of failures) onFailure(error);
  }
}

let current: CheckpointThread | undefined;

/** The process's checkpoint thread, started on first use and again after it ended. */
export function checkpointThread(): CheckpointThread {
  if (!current?.usable) current = new CheckpointThread();
  return current;
}
