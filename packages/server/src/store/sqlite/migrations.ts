// The schema of the embedded store, as numbered forward-only migrations. A released migration
// is never edited: a change is a new entry with the next version. Kept as TS strings, not .sql
// files, because tsc copies only .ts to dist.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'calls-events-idempotency',
    sql: `
      -- One row per call; state_json is the whole CallState, the other columns are copies
      -- of its fields that listing filters and sorts on.
      CREATE TABLE calls (
        call_id    TEXT    PRIMARY KEY,
        thread_id  TEXT    NOT NULL,
        stream_id  TEXT    NOT NULL,
        status     TEXT    NOT NULL CHECK (status IN ('active', 'ended')),
        created_at INTEGER NOT NULL,
        ended_at   INTEGER,
        state_json TEXT    NOT NULL
      ) STRICT;
      -- Every listing is newest first on (created_at, call_id), optionally filtered.
      CREATE INDEX calls_by_created ON calls (created_at, call_id);
      CREATE INDEX calls_by_status ON calls (status, created_at, call_id);
      CREATE INDEX calls_by_thread ON calls (thread_id, created_at, call_id);
      CREATE INDEX calls_by_stream ON calls (stream_id, created_at, call_id);

      -- The event log. position is the global cursor of /v1/events; AUTOINCREMENT so that a
      -- position is never reused, even after the newest rows are deleted.
      CREATE TABLE events (
        position     INTEGER PRIMARY KEY AUTOINCREMENT,
        id           TEXT    NOT NULL UNIQUE,
        call_id      TEXT    NOT NULL REFERENCES calls (call_id),
        seq          INTEGER NOT NULL,
        type         TEXT    NOT NULL,
        occurred_at  INTEGER NOT NULL,
        payload_json TEXT    NOT NULL,
        UNIQUE (call_id, seq)
      ) STRICT;

      CREATE TABLE idempotency_keys (
        scope         TEXT    NOT NULL,
        key           TEXT    NOT NULL,
        request_hash  TEXT    NOT NULL,
        status_code   INTEGER NOT NULL,
        response_body TEXT    NOT NULL,
        created_at    INTEGER NOT NULL,
        PRIMARY KEY (scope, key)
      ) STRICT;
      -- Pruning deletes by age.
      CREATE INDEX idempotency_keys_by_created ON idempotency_keys (created_at);
    `,
  },
];

/** The newest schema version this code knows. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
