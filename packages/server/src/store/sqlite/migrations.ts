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
  {
    version: 2,
    name: 'endpoints-deliveries-attempts',
    sql: `
      -- Webhook subscriptions. event_types is a JSON array, NULL for every type; the filter
      -- columns are NULL when not filtered on; secrets_json is the list of signing secrets,
      -- newest first (an old one keeps signing until its expiresAt after a rotation).
      CREATE TABLE endpoints (
        id               TEXT    PRIMARY KEY,
        url              TEXT    NOT NULL,
        description      TEXT,
        event_types      TEXT,
        filter_stream_id TEXT,
        filter_thread_id TEXT,
        enabled          INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        disabled_reason  TEXT    CHECK (disabled_reason IN ('manual', 'gone', 'failing')),
        secrets_json     TEXT    NOT NULL,
        failing_since    INTEGER,
        created_at       INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL
      ) STRICT;
      -- Listing is newest first on (created_at, id).
      CREATE INDEX endpoints_by_created ON endpoints (created_at, id);

      -- The outbox: one row per (endpoint, event) to send. Rows of one (endpoint, call) form a
      -- lane; only its head has a next_attempt_at, the rest wait with NULL (delivery-port.ts).
      -- No foreign key to events: the outbox row is written in the event's own transaction.
      CREATE TABLE deliveries (
        id              TEXT    PRIMARY KEY,
        endpoint_id     TEXT    NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
        event_id        TEXT    NOT NULL,
        event_position  INTEGER NOT NULL,
        call_id         TEXT    NOT NULL,
        seq             INTEGER NOT NULL,
        event_type      TEXT    NOT NULL,
        status          TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        attempt_count   INTEGER NOT NULL,
        next_attempt_at INTEGER,
        leased_until    INTEGER,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL
      ) STRICT;
      -- The due scan (claimDue, nextDueAt) reads lane heads only, in due order.
      CREATE INDEX deliveries_due ON deliveries (next_attempt_at)
        WHERE status = 'pending' AND next_attempt_at IS NOT NULL;
      -- A lane's pending rows in seq order: head lookup, promotion; also the endpoint FK.
      CREATE INDEX deliveries_by_lane ON deliveries (endpoint_id, call_id, status, seq);
      -- An endpoint's deliveries newest first, by status; a listing of every status merges
      -- the three ranges (delivery-sql.ts), which saves the outbox a fifth index to write.
      CREATE INDEX deliveries_by_endpoint_status ON deliveries (endpoint_id, status, created_at, id);

      CREATE TABLE delivery_attempts (
        delivery_id   TEXT    NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
        attempt       INTEGER NOT NULL,
        started_at    INTEGER NOT NULL,
        status_code   INTEGER,
        latency_ms    INTEGER NOT NULL,
        error         TEXT,
        response_body TEXT    NOT NULL,
        PRIMARY KEY (delivery_id, attempt)
      ) STRICT, WITHOUT ROWID;

      -- replay selects events by time.
      CREATE INDEX events_by_occurred ON events (occurred_at);
    `,
  },
  {
    version: 3,
    name: 'previous-seq-lease-owner-missed-events',
    sql: `
      -- callhook-previous-seq (docs/design/delivery.md): the seq of the previous event of this
      -- call that this endpoint was sent, 0 when none. Existing rows get it from their lane.
      ALTER TABLE deliveries ADD COLUMN previous_seq INTEGER NOT NULL DEFAULT 0;
      UPDATE deliveries SET previous_seq = COALESCE((
        SELECT MAX(p.seq) FROM deliveries AS p
        WHERE p.endpoint_id = deliveries.endpoint_id AND p.call_id = deliveries.call_id
          AND p.seq < deliveries.seq), 0);

      -- A lease has an owner (the node that claimed it): a starting node frees only leases
      -- that have expired, never a live node's. Existing leases have no owner.
      ALTER TABLE deliveries ADD COLUMN leased_by TEXT;

      -- The log position at which the endpoint was last disabled: what its subscription
      -- matched after it, it missed (enable {"replayMissed": true} replays them).
      ALTER TABLE endpoints ADD COLUMN disabled_after_position INTEGER;
      UPDATE endpoints SET disabled_after_position = (SELECT COALESCE(MAX(position), 0) FROM events)
      WHERE enabled = 0;
    `,
  },
  {
    version: 4,
    name: 'call-deadlines',
    sql: `
      -- Auto-end deadlines live with the call, so that any node can end a call whose node died
      -- (store/port.ts, deadlines). deadline_at is what the service computed at its last write,
      -- NULL when the call has none (ended) or none was written yet: the service fills those in
      -- at start, as it alone knows the engine's limits. The lease says which node is ending the
      -- call now, and until when; a write of the call frees it.
      ALTER TABLE calls ADD COLUMN deadline_at INTEGER;
      ALTER TABLE calls ADD COLUMN deadline_leased_by TEXT;
      ALTER TABLE calls ADD COLUMN deadline_leased_until INTEGER;
      -- The due scan (claimDeadlines, nextDeadlineAt) reads calls with a deadline only, in order.
      CREATE INDEX calls_by_deadline ON calls (deadline_at) WHERE deadline_at IS NOT NULL;
      -- The active calls still to be given a deadline at start: all of them right after this
      -- migration, none once the service has started (so finding them costs nothing later).
      CREATE INDEX calls_without_deadline ON calls (call_id)
        WHERE status = 'active' AND deadline_at IS NULL;
    `,
  },
  {
    version: 5,
    name: 'due-heads-by-endpoint',
    sql: `
      -- Claims go endpoint by endpoint, each taking at most its free slots (endpoints never
      -- wait on each other, and one backlog never fills a claim): the due heads of one
      -- endpoint in due order, so a claim reads only the rows it takes.
      DROP INDEX deliveries_due;
      CREATE INDEX deliveries_due_by_endpoint ON deliveries (endpoint_id, next_attempt_at)
        WHERE status = 'pending' AND next_attempt_at IS NOT NULL;
    `,
  },
  {
    version: 6,
    name: 'sip-rooms-users',
    sql: `
      -- SIP rooms (store/sip-port.ts): a dialled user part, sip:<room>@host, names the thread
      -- whose active call the INVITE joins. Rooms are ASCII and ordered byte for byte.
      CREATE TABLE sip_rooms (
        room       TEXT    PRIMARY KEY,
        stream_id  TEXT    NOT NULL,
        thread_id  TEXT    NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      -- Users that may REGISTER: digest hashes H(user:realm:password), never the password.
      CREATE TABLE sip_users (
        user_id    TEXT    PRIMARY KEY,
        realm      TEXT    NOT NULL,
        ha1_md5    TEXT    NOT NULL,
        ha1_sha256 TEXT    NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 7,
    name: 'api-keys',
    sql: `
      -- Scoped API keys (store/api-key-port.ts): the SHA-256 of each key, never the key. A
      -- request is authenticated by its hash (the unique index); revoking deletes the row.
      -- scopes_json is a JSON array of scopes; rate_limit_per_second NULL means no limit.
      CREATE TABLE api_keys (
        id                    TEXT    PRIMARY KEY,
        name                  TEXT    NOT NULL,
        scopes_json           TEXT    NOT NULL,
        key_hash              TEXT    NOT NULL UNIQUE,
        rate_limit_per_second REAL,
        created_at            INTEGER NOT NULL
      ) STRICT;
      -- Listing is newest first on (created_at, id).
      CREATE INDEX api_keys_by_created ON api_keys (created_at, id);
    `,
  },
  {
    version: 8,
    name: 'retention-quarantine',
    sql: `
      -- Retention (store/retention-port.ts) removes the oldest events with their deliveries:
      -- these find the deliveries of a range of positions, and the oldest event a pending
      -- delivery still needs (retention never goes past it). The second is small: few rows
      -- are pending at any time.
      CREATE INDEX deliveries_by_event_position ON deliveries (event_position);
      CREATE INDEX deliveries_pending_by_position ON deliveries (event_position)
        WHERE status = 'pending';
      -- What retention removed: every event at or below removed_through (a log position),
      -- every event that occurred before removed_before (ms). One row, once anything is removed.
      CREATE TABLE retention_horizon (
        id               INTEGER PRIMARY KEY CHECK (id = 1),
        removed_through  INTEGER NOT NULL,
        removed_before   INTEGER NOT NULL
      ) STRICT;
      -- Rows that could not be read back (invalid JSON: a damaged file, a hand edit), set aside
      -- so that the rest of the service keeps working (store/quarantine-port.ts). raw is the
      -- row's text as found; an event is moved here out of the log, a call stays in place.
      CREATE TABLE quarantined_rows (
        table_name     TEXT    NOT NULL,
        row_key        TEXT    NOT NULL,
        reason         TEXT    NOT NULL,
        raw            TEXT    NOT NULL,
        quarantined_at INTEGER NOT NULL,
        PRIMARY KEY (table_name, row_key)
      ) STRICT;
    `,
  },
  {
    version: 9,
    name: 'deferred-outbox',
    sql: `
      -- The deferred outbox (store/sqlite/unwritten-deliveries.ts): every event at or below an
      -- endpoint's outbox position that its subscription selects has its delivery row; the
      -- deliveries of later events are read from the log by the dispatcher, and a first-attempt
      -- success is written once, delivered. Until now every delivery was written at commit.
      ALTER TABLE endpoints ADD COLUMN outbox_position INTEGER NOT NULL DEFAULT 0;
      UPDATE endpoints SET outbox_position = (SELECT COALESCE(MAX(position), 0) FROM events);
    `,
  },
];

/** The newest schema version this code knows. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
