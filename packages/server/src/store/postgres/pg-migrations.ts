// The schema of the PostgreSQL store, as numbered forward-only migrations (pg-migrate.ts runs
// them under an advisory lock). A released migration is never edited: a change is a new entry.
// The same tables as the SQLite adapter's (store/sqlite/migrations.ts), in PostgreSQL's types:
// times are epoch milliseconds in bigint, flags are boolean, JSON is kept as text because it
// is only ever read back whole.

export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'calls-events-endpoints-deliveries',
    sql: `
      CREATE TABLE calls (
        call_id               text    PRIMARY KEY,
        thread_id             text    NOT NULL,
        stream_id             text    NOT NULL,
        status                text    NOT NULL CHECK (status IN ('active', 'ended')),
        created_at            bigint  NOT NULL,
        ended_at              bigint,
        state_json            text    NOT NULL,
        deadline_at           bigint,
        deadline_leased_by    text,
        deadline_leased_until bigint
      );
      CREATE INDEX calls_by_created ON calls (created_at, call_id);
      CREATE INDEX calls_by_status ON calls (status, created_at, call_id);
      CREATE INDEX calls_by_thread ON calls (thread_id, created_at, call_id);
      CREATE INDEX calls_by_stream ON calls (stream_id, created_at, call_id);
      CREATE INDEX calls_by_deadline ON calls (deadline_at) WHERE deadline_at IS NOT NULL;
      CREATE INDEX calls_without_deadline ON calls (call_id)
        WHERE status = 'active' AND deadline_at IS NULL;

      -- The event log. Positions come from a sequence, taken under the append lock
      -- (pg-locks.ts) so that they become visible in the order they were taken: a reader
      -- that has seen position n has seen every position below it (the /v1/events cursor).
      CREATE TABLE events (
        position     bigserial PRIMARY KEY,
        id           text      NOT NULL UNIQUE,
        call_id      text      NOT NULL REFERENCES calls (call_id),
        seq          integer   NOT NULL,
        type         text      NOT NULL,
        occurred_at  bigint    NOT NULL,
        stream_id    text      NOT NULL,
        thread_id    text      NOT NULL,
        payload_json text      NOT NULL,
        UNIQUE (call_id, seq)
      );
      CREATE INDEX events_by_occurred ON events (occurred_at, position);

      CREATE TABLE idempotency_keys (
        scope         text    NOT NULL,
        key           text    NOT NULL,
        request_hash  text    NOT NULL,
        created       boolean NOT NULL,
        response_body text    NOT NULL,
        created_at    bigint  NOT NULL,
        PRIMARY KEY (scope, key)
      );
      CREATE INDEX idempotency_keys_by_created ON idempotency_keys (created_at);

      CREATE TABLE endpoints (
        id                      text    PRIMARY KEY,
        url                     text    NOT NULL,
        description             text,
        event_types             text,
        filter_stream_id        text,
        filter_thread_id        text,
        enabled                 boolean NOT NULL,
        disabled_reason         text    CHECK (disabled_reason IN ('manual', 'gone', 'failing')),
        secrets_json            text    NOT NULL,
        failing_since           bigint,
        disabled_after_position bigint,
        created_at              bigint  NOT NULL,
        updated_at              bigint  NOT NULL
      );
      CREATE INDEX endpoints_by_created ON endpoints (created_at, id);

      -- Bumped by every endpoint write, in its transaction: a node whose cached subscriptions
      -- are older reads them again before it matches events (endpoints made on one node are
      -- matched by every node at once, not when a notice arrives).
      CREATE TABLE endpoint_generation (
        singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        generation bigint  NOT NULL
      );
      INSERT INTO endpoint_generation (generation) VALUES (0);

      -- The outbox; lanes as in the SQLite adapter (delivery-port.ts). ord breaks ties between
      -- deliveries of one seq in one lane (replays): first written first.
      CREATE TABLE deliveries (
        id              text    PRIMARY KEY,
        ord             bigserial,
        endpoint_id     text    NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
        event_id        text    NOT NULL,
        event_position  bigint  NOT NULL,
        call_id         text    NOT NULL,
        seq             integer NOT NULL,
        previous_seq    integer NOT NULL,
        event_type      text    NOT NULL,
        status          text    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        attempt_count   integer NOT NULL,
        next_attempt_at bigint,
        leased_until    bigint,
        leased_by       text,
        created_at      bigint  NOT NULL,
        updated_at      bigint  NOT NULL
      );
      CREATE INDEX deliveries_due_by_endpoint ON deliveries (endpoint_id, next_attempt_at)
        WHERE status = 'pending' AND next_attempt_at IS NOT NULL;
      CREATE INDEX deliveries_by_lane ON deliveries (endpoint_id, call_id, status, seq, ord);
      CREATE INDEX deliveries_by_endpoint_status
        ON deliveries (endpoint_id, status, created_at, id);

      CREATE TABLE delivery_attempts (
        delivery_id   text    NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
        attempt       integer NOT NULL,
        started_at    bigint  NOT NULL,
        status_code   integer,
        latency_ms    integer NOT NULL,
        error         text,
        response_body text    NOT NULL,
        PRIMARY KEY (delivery_id, attempt)
      );
    `,
  },
  {
    version: 2,
    name: 'api-keys',
    sql: `
      CREATE TABLE api_keys (
        id                    text    PRIMARY KEY,
        name                  text    NOT NULL,
        scopes                text    NOT NULL,
        hash                  text    NOT NULL UNIQUE,
        rate_limit_per_second double precision,
        created_at            bigint  NOT NULL
      );
      CREATE INDEX api_keys_by_created ON api_keys (created_at, id);
    `,
  },
  {
    version: 3,
    name: 'sip-rooms-and-users',
    sql: `
      CREATE TABLE sip_rooms (
        room       text   PRIMARY KEY COLLATE "C",
        stream_id  text   NOT NULL,
        thread_id  text   NOT NULL,
        created_at bigint NOT NULL
      );
      CREATE TABLE sip_users (
        user_id    text   PRIMARY KEY COLLATE "C",
        realm      text   NOT NULL,
        ha1_md5    text   NOT NULL,
        ha1_sha256 text   NOT NULL,
        created_at bigint NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'retention-horizon',
    sql: `
      -- What retention removed (retention-port.ts); one row, both values only grow.
      CREATE TABLE retention_horizon (
        singleton       boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        removed_through bigint  NOT NULL,
        removed_before  bigint  NOT NULL
      );
      CREATE INDEX deliveries_by_event_position ON deliveries (event_position);
      CREATE INDEX deliveries_pending_by_position ON deliveries (event_position)
        WHERE status = 'pending';
    `,
  },
  {
    version: 5,
    name: 'no-foreign-keys-on-the-hot-path',
    sql: `
      -- The adapter keeps these references itself, under the locks of pg-locks.ts: an event is
      -- appended only with its call's row written in the same transaction, a delivery only for
      -- an endpoint read under the append lock (which endpoint deletion takes too), an attempt
      -- only for a delivery row locked FOR UPDATE; endpoint deletion and retention delete the
      -- rows below them explicitly (pg-delivery-store.ts, pg-retention.ts). The foreign keys
      -- cost each appended event, delivery and attempt an internal lookup and a key-share row
      -- lock on the row it names (three per delivered event, each a WAL record; the one
      -- endpoint row was share-locked by every concurrent batch at once).
      ALTER TABLE events DROP CONSTRAINT events_call_id_fkey;
      ALTER TABLE deliveries DROP CONSTRAINT deliveries_endpoint_id_fkey;
      ALTER TABLE delivery_attempts DROP CONSTRAINT delivery_attempts_delivery_id_fkey;
      -- Room on each page for a call row's new version: a command that changes no indexed
      -- column (most do not) then rewrites the row in place (a HOT update) instead of adding an
      -- entry to each of the calls table's six indexes.
      ALTER TABLE calls SET (fillfactor = 60);
      -- The same for a delivery's lease (claim), which changes no indexed column either.
      ALTER TABLE deliveries SET (fillfactor = 70);
    `,
  },
  {
    version: 6,
    name: 'endpoint-owners',
    sql: `
      -- Which node claims each endpoint's deliveries, under a lease (pg-endpoint-owners.ts),
      -- and the nodes that claim, so that each can take its share. Times are epoch ms.
      CREATE TABLE nodes (
        id         text   PRIMARY KEY,
        seen_until bigint NOT NULL
      );
      CREATE TABLE endpoint_owners (
        endpoint_id text   PRIMARY KEY,
        node_id     text   NOT NULL,
        lease_until bigint NOT NULL
      );
    `,
  },
];

export const PG_LATEST_SCHEMA_VERSION = PG_MIGRATIONS.reduce(
  (max, m) => Math.max(max, m.version),
  0,
);
