import Database from 'better-sqlite3';
import type { CallState } from '../../engine/call-state.ts';
import { CallhookError } from '../../errors.ts';
import { InProcessChangeFeed } from '../in-process-change-feed.ts';
import { decodePageCursor, encodePageCursor } from '../page-cursor.ts';
import type {
  CallListQuery,
  CallStore,
  EventQuery,
  IdempotencyRecord,
  StoredEvent,
} from '../port.ts';
import { checkEventQuery, checkPageLimit } from '../port-checks.ts';
import { CorruptRowError, type QuarantinedRow } from '../quarantine-port.ts';
import { retentionExpired } from '../retention-port.ts';
import { type Checkpointer, startCheckpointer } from './checkpointer.ts';
import { secureDatabaseFiles } from './file-modes.ts';
import { type MigrationResult, migrate } from './migrate.ts';
import { integrityProblemsOf, SqliteQuarantine } from './quarantine.ts';
import { callStateOf, idempotencyRecordOf } from './rows.ts';
import {
  type CommandRunner,
  createCommandRunner,
  type Decide,
  type EventsAppendedHook,
} from './run-command.ts';
import * as sql from './sql.ts';
import { SqliteDeliveryStore } from './sqlite-delivery-store.ts';
import { SqliteRetention } from './sqlite-retention.ts';
import { callPageIndex, prepareStatements, type Statements } from './statements.ts';
import { type WriteFault, WriteFaults } from './write-faults.ts';

export interface SqliteStoreOptions {
  /** Database file; created with its directory if missing. `:memory:` for a throwaway store. */
  path: string;
  /**
   * `default`: a committed command survives the process being killed (synchronous=NORMAL; the
   * WAL is in the OS page cache). `strict`: it also survives power loss (fsync at every commit).
   */
  durability?: 'default' | 'strict';
  /**
   * Where WAL checkpoints run. `background` (the default for a file): a worker thread with its
   * own connection, so no commit on the event loop pays for copying the WAL into the file.
   * `inline` (the default, and the only choice, for `:memory:`, which no second connection can
   * open): SQLite's automatic checkpoint, inside the commit that crosses wal_autocheckpoint.
   */
  checkpoint?: 'background' | 'inline';
  /** The background checkpointer stopped, and checkpoints are inline again; default: ignore. */
  onCheckpointError?: (error: Error) => void;
  /** Background checkpoints fail for now (a full disk), or work again (`null`); default: ignore. */
  onCheckpointFailing?: (error: Error | null) => void;
  /** Writes fail for a reason outside the service (write-faults.ts), or work again (`null`). */
  onWriteFault?: (fault: WriteFault | null) => void;
  /** A row that cannot be read back was set aside (quarantine.ts); default: ignore. */
  onQuarantined?: (row: QuarantinedRow) => void;
}

export const MAX_CALL_PAGE = 500;

/** The embedded store: one SQLite file, one connection, synchronous work behind the async port. */
export class SqliteStore implements CallStore {
  /** The connection, for adapters of this package that add their own tables (delivery). */
  readonly db: Database.Database;
  /** What open did to the schema. */
  readonly migration: MigrationResult;
  /** Endpoints and the delivery outbox, in the same file and on the same connection. */
  readonly deliveries: SqliteDeliveryStore;
  /** The background WAL checkpointer of this connection, if it was opened with one. */
  readonly checkpointer: Checkpointer | undefined;
  /** Told after every commit that appended events or changed endpoints or deliveries. */
  readonly changes = new InProcessChangeFeed();
  /** Removal of the oldest events (store/retention-port.ts). */
  readonly retention: SqliteRetention;
  /** Whether writes fail for a reason outside the service (full disk), and since when. */
  readonly faults: WriteFaults;
  /** Rows that cannot be read back, set aside; what the integrity check at open found. */
  readonly quarantine: SqliteQuarantine;
  private readonly st: Statements;
  private readonly hooks: EventsAppendedHook[] = [];
  private readonly command: CommandRunner;
  private readonly fillDeadlines: Database.Transaction<
    (deadlines: readonly { callId: string; deadlineAt: number }[]) => void
  >;

  constructor(
    db: Database.Database,
    migration: MigrationResult,
    checkpointer?: Checkpointer,
    options: {
      onWriteFault?: (fault: WriteFault | null) => void;
      onQuarantined?: (row: QuarantinedRow) => void;
      integrityProblems?: readonly string[];
    } = {},
  ) {
    this.db = db;
    this.faults = new WriteFaults(db, options.onWriteFault);
    this.quarantine = new SqliteQuarantine(
      db,
      options.integrityProblems ?? [],
      options.onQuarantined,
    );
    this.migration = migration;
    this.checkpointer = checkpointer;
    this.st = prepareStatements(db);
    this.retention = new SqliteRetention(db);
    this.deliveries = new SqliteDeliveryStore(db, this.changes, () => this.retention.horizonNow());
    this.retention.beforeRemove = () => this.deliveries.writeOutboxPositions();
    this.command = createCommandRunner(db, this.st, this.hooks, this.changes);
    this.fillDeadlines = db.transaction((deadlines) => {
      for (const d of deadlines) this.st.fillMissingDeadline.run(d);
    });
  }

  /** Adds work to every command's transaction, after its events are appended. Returns a remover. */
  onEventsAppended(hook: EventsAppendedHook): () => void {
    this.hooks.push(hook);
    return () => {
      const i = this.hooks.indexOf(hook);
      if (i >= 0) this.hooks.splice(i, 1);
    };
  }

  async runCommand<R>(
    callId: string,
    decide: Decide<R>,
    options?: { idempotencyKey?: { scope: string; key: string } },
  ): Promise<R> {
    this.faults.admitWrite(); // refused at once while the disk is full (write-faults.ts)
    let result: R;
    try {
      result = await this.command.run(callId, decide, options?.idempotencyKey);
    } catch (error) {
      if (error instanceof CorruptRowError) {
        this.quarantine.quarantineCall(error, this.st.selectCallState.get({ callId })?.state_json);
      }
      throw this.faults.translate(error);
    }
    this.faults.succeeded(); // its commit went through: writes work (again)
    return result;
  }

  async getIdempotency(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    const row = this.st.selectIdempotency.get({ scope, key });
    return row ? idempotencyRecordOf(row) : undefined;
  }

  /** Deletes idempotency records created before `olderThan` (ms); returns how many. */
  async pruneIdempotency(olderThan: number): Promise<number> {
    return this.st.deleteIdempotencyOlderThan.run({ olderThan }).changes;
  }

  async getCall(callId: string): Promise<CallState | undefined> {
    const row = this.st.selectCallState.get({ callId });
    try {
      return row ? callStateOf(row, callId) : undefined;
    } catch (error) {
      if (error instanceof CorruptRowError) this.quarantine.quarantineCall(error, row?.state_json);
      throw error;
    }
  }

  async listCalls(
    query: CallListQuery,
  ): Promise<{ calls: CallState[]; nextCursor: string | null }> {
    const { limit } = query;
    checkPageLimit(limit, MAX_CALL_PAGE);
    // Keyset on (created_at, call_id); without a cursor, start above every real key.
    const before = decodePageCursor(query.cursor);
    const filters = {
      status: query.status !== undefined,
      threadId: query.threadId !== undefined,
      streamId: query.streamId !== undefined,
    };
    // One row more than asked tells whether there is a next page.
    const rows = this.st.callPages[callPageIndex(filters)]!.all({
      beforeCreatedAt: before.createdAt,
      beforeCallId: before.id,
      status: query.status,
      threadId: query.threadId,
      streamId: query.streamId,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      calls: this.quarantine.calls(page),
      nextCursor:
        rows.length > limit && last
          ? encodePageCursor({ createdAt: last.created_at, id: last.call_id })
          : null,
    };
  }

  async listActiveCalls(): Promise<CallState[]> {
    return this.quarantine.calls(this.st.selectActiveCallStates.all());
  }

  async countActiveCalls(): Promise<number> {
    return this.st.countActiveCalls.get()!.count;
  }

  async claimDeadlines(
    owner: string,
    now: number,
    leaseUntil: number,
    limit: number,
  ): Promise<string[]> {
    return this.st.claimDeadlines
      .all({ owner, now, leaseUntil, limit })
      .sort((a, b) => a.deadline_at - b.deadline_at || (a.call_id < b.call_id ? -1 : 1))
      .map((r) => r.call_id);
  }

  async nextDeadlineAt(): Promise<number | null> {
    return this.st.selectNextDeadline.get()!.at;
  }

  async listCallsWithoutDeadline(limit: number): Promise<CallState[]> {
    return this.quarantine.calls(this.st.selectCallsWithoutDeadline.all({ limit }));
  }

  async fillMissingDeadlines(
    deadlines: readonly { callId: string; deadlineAt: number }[],
  ): Promise<void> {
    this.fillDeadlines.immediate(deadlines);
  }

  /** Events after `after` in log order; `types` absent or empty means every type. */
  async readEvents(query: EventQuery): Promise<StoredEvent[]> {
    const after = checkEventQuery(query);
    const params = {
      after,
      callId: query.callId,
      types: query.types && query.types.length > 0 ? JSON.stringify(query.types) : null,
      limit: query.limit,
    };
    if (after > 0) {
      const horizon = this.retention.horizonNow();
      if (after < horizon.removedThrough) throw retentionExpired(`the log after ${after}`, horizon);
    }
    const statement =
      query.callId === undefined ? this.st.selectEventsAfter : this.st.selectCallEventsAfter;
    // A corrupt row is left out (quarantine.ts): read on past it until the page is full.
    const events: StoredEvent[] = [];
    for (let from = after; ; ) {
      const rows = statement.all({ ...params, after: from, limit: query.limit - events.length });
      const read = this.quarantine.events(rows);
      events.push(...read.events);
      if (read.skipped === 0 || rows.length === 0 || events.length >= query.limit) return events;
      from = rows[rows.length - 1]!.position;
    }
  }

  async lastEventPosition(): Promise<number> {
    return this.st.selectLastEventPosition.get()!.position;
  }

  /** Rejects while writes fail (StoreUnavailableError), after trying one (write-faults.ts). */
  async ping(): Promise<void> {
    this.st.ping.get();
    this.faults.check();
  }

  async close(): Promise<void> {
    // The worker's connection first: this one is then the last, and its close checkpoints
    // the whole WAL and removes it.
    await this.checkpointer?.close();
    this.closeSync();
  }

  /** Closes the connection (checkpointing the WAL); a second call does nothing. */
  closeSync(): void {
    if (!this.db.open) return;
    this.command.flush(); // commands already accepted are written, not dropped
    this.db.close();
  }
}

/** Opens (creating if need be) and migrates the database at `path`. */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const inMemory = options.path === ':memory:';
  const checkpoint = options.checkpoint ?? (inMemory ? 'inline' : 'background');
  if (inMemory && checkpoint === 'background') {
    throw new CallhookError(
      'validation_error',
      'a :memory: database checkpoints inline: leave `checkpoint` out or set it to inline',
      { path: options.path, checkpoint },
    );
  }
  if (!inMemory) secureDatabaseFiles(options.path);
  const db = new Database(options.path);
  try {
    db.pragma(sql.PRAGMA_BUSY_TIMEOUT);
    db.pragma(sql.PRAGMA_AUTO_VACUUM_INCREMENTAL); // before the first table is made
    db.pragma(sql.PRAGMA_JOURNAL_WAL);
    db.pragma(options.durability === 'strict' ? sql.PRAGMA_SYNC_FULL : sql.PRAGMA_SYNC_NORMAL);
    db.pragma(sql.PRAGMA_FOREIGN_KEYS);
    db.pragma(sql.PRAGMA_CACHE_SIZE);
    db.pragma(sql.PRAGMA_TEMP_STORE_MEMORY);
    db.pragma(sql.PRAGMA_WAL_AUTOCHECKPOINT);
    db.pragma(sql.PRAGMA_JOURNAL_SIZE_LIMIT);
    // Migrated first: the checkpointer's own connection opens the file as it now is.
    const migration = migrate(db);
    const checkpointer =
      checkpoint === 'background'
        ? startCheckpointer({
            path: options.path,
            db,
            onError: options.onCheckpointError,
            onFailing: options.onCheckpointFailing,
          })
        : undefined;
    const store = new SqliteStore(db, migration, checkpointer, {
      onWriteFault: options.onWriteFault,
      onQuarantined: options.onQuarantined,
      integrityProblems: inMemory ? [] : integrityProblemsOf(db),
    });
    store.faults.recoverAtOpen();
    return store;
  } catch (error) {
    db.close();
    throw error;
  }
}
