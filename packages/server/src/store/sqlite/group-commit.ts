import type Database from 'better-sqlite3';

/**
 * Group commit: commands that arrive in the same turn of the event loop share one transaction,
 * each inside its own savepoint, so a burst of N concurrent commands costs one commit instead
 * of N. A command that throws rolls back only its savepoint. Every promise settles after the
 * shared COMMIT, so an acknowledged command is exactly as durable as before.
 */
export class GroupCommit {
  private queue: Job[] = [];
  private scheduled = false;
  private readonly batch: (jobs: Job[]) => Settled[];

  constructor(
    db: Database.Database,
    /** Called after each batch's COMMIT (before its promises settle); not after a failed one. */
    private readonly afterCommit: () => void = () => {},
    /** Called when a batch's COMMIT failed: what its commands gathered is void. */
    private readonly afterRollback: () => void = () => {},
    private readonly maxBatch = 256,
  ) {
    // Called inside the batch's transaction, a transaction function becomes a savepoint.
    const savepoint = db.transaction((job: Job) => job.work());
    this.batch = db.transaction((jobs: Job[]) =>
      jobs.map((job): Settled => {
        try {
          return { ok: true, value: savepoint(job) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    ).immediate;
  }

  /** Runs `work` in the next shared transaction; resolves with its result once committed. */
  run<R>(work: () => R): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Runs everything queued now (also used on close, so nothing queued is dropped). */
  flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const jobs = this.queue.splice(0, this.maxBatch);
      let settled: Settled[];
      try {
        settled = this.batch(jobs);
      } catch (error) {
        // The COMMIT itself failed: nothing of the batch is written.
        this.afterRollback();
        for (const job of jobs) job.reject(error);
        continue;
      }
      this.afterCommit();
      settled.forEach((s, i) => {
        const job = jobs[i]!;
        if (s.ok) job.resolve(s.value);
        else job.reject(s.error);
      });
    }
  }
}

interface Job {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };
