import { LIMIT } from './sql-limit.ts';
// Every SQL statement of the SQLite adapter (the schema itself is in migrations.ts).
// Statements are prepared once at open (statements.ts); named parameters (@name) only.

// ── connection ───────────────────────────────────────────────────────────────────────────

/** WAL: readers never block the writer, and a commit is one append to the log. */
export const PRAGMA_JOURNAL_WAL = 'journal_mode = WAL';
/** NORMAL: a commit survives the process dying (kill -9), not the machine losing power. */
export const PRAGMA_SYNC_NORMAL = 'synchronous = NORMAL';
/** FULL: fsync at every commit, so a commit survives power loss too. */
export const PRAGMA_SYNC_FULL = 'synchronous = FULL';
export const PRAGMA_FOREIGN_KEYS = 'foreign_keys = ON';
/**
 * Pages freed by retention go to a free list that `incremental_vacuum` gives back to the OS.
 * Takes effect only on a database without tables yet (a new one); an older file keeps
 * reusing its freed pages, so it stops growing but does not shrink (docs/operations.md).
 */
export const PRAGMA_AUTO_VACUUM_INCREMENTAL = 'auto_vacuum = INCREMENTAL';
/** Wait for another connection's write lock instead of failing at once with SQLITE_BUSY. */
export const PRAGMA_BUSY_TIMEOUT = 'busy_timeout = 5000';
/**
 * Page cache of the connection, in KiB (negative): 32 MiB instead of SQLite's 2 MiB, so the
 * hot index pages of the outbox, the lanes and the calls stay in memory as the file grows.
 */
export const PRAGMA_CACHE_SIZE = 'cache_size = -32768';
/** Sorts and temporary indexes in memory, not in temporary files. */
export const PRAGMA_TEMP_STORE_MEMORY = 'temp_store = MEMORY';
/**
 * Checkpoint the WAL every 8,000 pages (~32 MiB) instead of 1,000: a checkpoint runs inside a
 * commit and syncs the file, so fewer, larger ones stall commands less and write a page that
 * changed many times (an index's hot leaf) once. Durability is the same: it is the WAL that
 * holds a committed command until then.
 */
export const PRAGMA_WAL_AUTOCHECKPOINT = 'wal_autocheckpoint = 8000';
/** After a checkpoint, the WAL file is cut back to this (64 MiB) rather than kept at its peak. */
export const PRAGMA_JOURNAL_SIZE_LIMIT = 'journal_size_limit = 67108864';
/**
 * While the background checkpointer runs (checkpointer.ts), a commit checkpoints only past
 * 6,144 pages (~24 MiB): the bound on the WAL when writes outrun the checkpointer's interval
 * (its own restart at 16 MiB is looked at once an interval). Past it, each commit tries a
 * PASSIVE checkpoint of the frames the thread has not copied yet; while the thread is copying,
 * that try returns at once (busy) and the next commit tries again.
 */
export const PRAGMA_WAL_AUTOCHECKPOINT_BOUND = 'wal_autocheckpoint = 6144';
/** Copies what it can of the WAL into the file without waiting for, or blocking, the writer. */
export const PRAGMA_WAL_CHECKPOINT_PASSIVE = 'wal_checkpoint(PASSIVE)';
/**
 * Copies the whole WAL into the file and cuts the WAL to zero bytes, waiting for the lock:
 * only at open and to recover from a full disk (write-faults.ts), never on the hot path.
 */
export const PRAGMA_WAL_CHECKPOINT_TRUNCATE = 'wal_checkpoint(TRUNCATE)';

// ── migrations ───────────────────────────────────────────────────────────────────────────

export const CREATE_SCHEMA_MIGRATIONS = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`;
export const SELECT_SCHEMA_VERSION =
  'SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations';
export const SELECT_APPLIED_VERSIONS = 'SELECT version FROM schema_migrations';
export const INSERT_SCHEMA_MIGRATION =
  'INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @appliedAt)';

// ── calls ────────────────────────────────────────────────────────────────────────────────

export const SELECT_CALL_STATE = 'SELECT state_json FROM calls WHERE call_id = @callId';

/**
 * thread, stream and creation time never change, so an update leaves their indexes alone.
 * A write frees the deadline lease: the writer has dealt with the call's deadline.
 */
export const UPSERT_CALL = `
  INSERT INTO calls (call_id, thread_id, stream_id, status, created_at, ended_at, state_json,
    deadline_at)
  VALUES (@callId, @threadId, @streamId, @status, @createdAt, @endedAt, @stateJson, @deadlineAt)
  ON CONFLICT (call_id) DO UPDATE SET
    status = excluded.status,
    ended_at = excluded.ended_at,
    state_json = excluded.state_json,
    deadline_at = excluded.deadline_at,
    deadline_leased_by = NULL,
    deadline_leased_until = NULL`;

export const SELECT_ACTIVE_CALL_STATES =
  "SELECT call_id, state_json FROM calls WHERE status = 'active' ORDER BY created_at, call_id";
export const COUNT_ACTIVE_CALLS = "SELECT COUNT(*) AS count FROM calls WHERE status = 'active'";

// ── call deadlines ───────────────────────────────────────────────────────────────────────

/**
 * One statement, so that it is atomic (on PostgreSQL: the same shape with FOR UPDATE SKIP
 * LOCKED in the subquery). Walks calls_by_deadline from the earliest deadline. RETURNING
 * gives the rows in no stated order: the adapter sorts them by deadline.
 */
export const CLAIM_DEADLINES = `
  UPDATE calls SET deadline_leased_by = @owner, deadline_leased_until = @leaseUntil
  WHERE call_id IN (
    SELECT call_id FROM calls
    WHERE deadline_at IS NOT NULL AND deadline_at <= @now
      AND (deadline_leased_until IS NULL OR deadline_leased_until <= @now
        OR deadline_leased_by = @owner)
    ORDER BY deadline_at
    ${LIMIT})
  RETURNING call_id, deadline_at`;

/**
 * The minimum over calls with a deadline of MAX(deadline, lease until). Only calls up to the
 * first unleased deadline can hold it (a later one is no earlier), and leased calls are few
 * (being ended now, or left by a dead node), so this reads a short stretch of the index.
 */
export const SELECT_NEXT_DEADLINE = `
  SELECT MIN(MAX(deadline_at, COALESCE(deadline_leased_until, deadline_at))) AS at FROM calls
  WHERE deadline_at IS NOT NULL
    AND deadline_at <= COALESCE(
      (SELECT deadline_at FROM calls
       WHERE deadline_at IS NOT NULL AND deadline_leased_until IS NULL
       ORDER BY deadline_at LIMIT 1),
      9007199254740991)`;

export const FILL_MISSING_DEADLINE = `
  UPDATE calls SET deadline_at = @deadlineAt
  WHERE call_id = @callId AND status = 'active' AND deadline_at IS NULL`;

/** Active calls from before deadlines were stored (migration 4), by calls_without_deadline. */
export const SELECT_CALLS_WITHOUT_DEADLINE = `
  SELECT call_id, state_json FROM calls INDEXED BY calls_without_deadline
  WHERE status = 'active' AND deadline_at IS NULL ${LIMIT}`;

/** Which optional filters a page of calls is selected by. */
export interface CallPageFilters {
  status: boolean;
  threadId: boolean;
  streamId: boolean;
}

/**
 * One page of calls, newest first, after a keyset cursor (@beforeCreatedAt, @beforeCallId).
 * One statement per combination of filters rather than `(@x IS NULL OR col = @x)`, which
 * would keep SQLite from using the filter's index.
 */
export function selectCallPage(filters: CallPageFilters): string {
  const where = ['(created_at, call_id) < (@beforeCreatedAt, @beforeCallId)'];
  if (filters.status) where.push('status = @status');
  if (filters.threadId) where.push('thread_id = @threadId');
  if (filters.streamId) where.push('stream_id = @streamId');
  return `
    SELECT state_json, created_at, call_id FROM calls
    WHERE ${where.join(' AND ')}
    ORDER BY created_at DESC, call_id DESC
    ${LIMIT}`;
}

// ── events ───────────────────────────────────────────────────────────────────────────────

export const INSERT_EVENT = `
  INSERT INTO events (id, call_id, seq, type, occurred_at, payload_json)
  VALUES (@id, @callId, @seq, @type, @occurredAt, @payloadJson)`;

/** @types is a JSON array of event types, or null for every type. */
export const SELECT_EVENTS_AFTER = `
  SELECT position, id, call_id, seq, type, occurred_at, payload_json FROM events
  WHERE position > @after
    AND (@types IS NULL OR type IN (SELECT value FROM json_each(@types)))
  ORDER BY position
  ${LIMIT}`;

export const SELECT_CALL_EVENTS_AFTER = `
  SELECT position, id, call_id, seq, type, occurred_at, payload_json FROM events
  WHERE call_id = @callId AND position > @after
    AND (@types IS NULL OR type IN (SELECT value FROM json_each(@types)))
  ORDER BY position
  ${LIMIT}`;

export const SELECT_LAST_EVENT_POSITION =
  'SELECT COALESCE(MAX(position), 0) AS position FROM events';

// ── idempotency keys ─────────────────────────────────────────────────────────────────────

// status_code holds the HTTP status of the first answer, as schema 1 named it: 201 when the
// command created the call, 200 otherwise. Databases written before the port became
// protocol-neutral have those values, so the adapter maps `created` to them (rows.ts).

export const SELECT_IDEMPOTENCY = `
  SELECT scope, key, request_hash, status_code, response_body, created_at
  FROM idempotency_keys WHERE scope = @scope AND key = @key`;

/** A record returned by a command replaces the saved one: the command saw it when deciding. */
export const UPSERT_IDEMPOTENCY = `
  INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response_body, created_at)
  VALUES (@scope, @key, @requestHash, @statusCode, @responseBody, @createdAt)
  ON CONFLICT (scope, key) DO UPDATE SET
    request_hash = excluded.request_hash,
    status_code = excluded.status_code,
    response_body = excluded.response_body,
    created_at = excluded.created_at`;

export const DELETE_IDEMPOTENCY_OLDER_THAN =
  'DELETE FROM idempotency_keys WHERE created_at < @olderThan';

// ── health ───────────────────────────────────────────────────────────────────────────────

export const PING = 'SELECT 1 AS ok';

/**
 * Readiness probe while writes fail (write-faults.ts): rewrites one row with its own value,
 * which changes nothing but appends a page to the WAL, as any commit does.
 */
export const PROBE_WRITE = `
  UPDATE schema_migrations SET applied_at = applied_at
  WHERE version = (SELECT MAX(version) FROM schema_migrations)`;

// ── quarantine (quarantine.ts) ───────────────────────────────────────────────────────────

export const INSERT_QUARANTINED = `
  INSERT OR IGNORE INTO quarantined_rows (table_name, row_key, reason, raw, quarantined_at)
  VALUES (@table, @key, @reason, @raw, @at)`;

/** A call that cannot be read has no deadline any node could act on: never due, never listed. */
export const PARK_QUARANTINED_CALL = `
  UPDATE calls SET deadline_at = 9007199254740991, deadline_leased_by = NULL,
    deadline_leased_until = NULL
  WHERE call_id = @callId`;

export const COUNT_QUARANTINED = 'SELECT COUNT(*) AS count FROM quarantined_rows';

export const SELECT_QUARANTINED = `
  SELECT table_name AS "table", row_key AS key, reason, quarantined_at AS quarantinedAt
  FROM quarantined_rows ORDER BY quarantined_at DESC, row_key ${LIMIT}`;

/** At most this many problems are reported by the check at open. */
export const PRAGMA_INTEGRITY_CHECK = 'integrity_check(20)';
