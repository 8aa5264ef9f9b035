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

/**
 * The group commit's write (pg-command-batch.ts), as migration 7 made it and migration 8 made
 * it again with another `laneRead` (a lateral subquery giving each delivery's lane `max_seq`
 * and `pending`). Migration 7's text is the one released: a change is a new migration that
 * calls this with what changed.
 */
function batchWriteFunction(create: 'CREATE' | 'CREATE OR REPLACE', laneRead: string): string {
  return `      -- What the commands decided: the calls, the events (under the append lock, in order),
      -- the outbox (under the lanes' locks, sorted by the caller), the keys, and the notice.
      -- The deliveries were matched by the caller against endpoint generation
      -- generation_seen; if the endpoints changed since, nothing is written and the current
      -- generation is returned, for the caller to match again and call again.
      -- A delivery heads its lane (due when its event happened) if the lane has nothing
      -- pending and no earlier delivery of the batch is in it, else it waits; its previous
      -- seq is the highest of its lane so far, the batch's earlier ones included.
      ${create} FUNCTION callhook_batch_write(generation_seen bigint,
        c_ids text[], c_threads text[], c_streams text[], c_statuses text[],
        c_created bigint[], c_ended bigint[], c_states text[], c_deadlines bigint[],
        e_ids text[], e_calls text[], e_seqs integer[], e_types text[], e_at bigint[],
        e_streams text[], e_threads text[], e_payloads text[],
        d_events integer[], d_endpoints text[], d_ids text[], lane_locks text[],
        k_scopes text[], k_keys text[], k_hashes text[], k_created boolean[], k_bodies text[],
        k_at bigint[], notice_channel text, notice_from text, notice_types text[])
        RETURNS json LANGUAGE plpgsql AS $fn$
      DECLARE
        generation_now bigint;
        appended bigint[];
      BEGIN
        IF cardinality(e_ids) > 0 THEN
          PERFORM pg_advisory_xact_lock(hashtextextended('append', 0));
          SELECT COALESCE((SELECT g.generation FROM endpoint_generation AS g), 0)
            INTO generation_now;
          IF generation_now <> generation_seen THEN
            RETURN json_build_object('generation', generation_now);
          END IF;
        END IF;
        IF cardinality(c_ids) > 0 THEN
          -- A write frees the deadline lease: the writer has dealt with the call's deadline.
          INSERT INTO calls (call_id, thread_id, stream_id, status, created_at, ended_at,
            state_json, deadline_at)
          SELECT * FROM unnest(c_ids, c_threads, c_streams, c_statuses, c_created, c_ended,
            c_states, c_deadlines)
          ON CONFLICT (call_id) DO UPDATE SET
            status = excluded.status, ended_at = excluded.ended_at,
            state_json = excluded.state_json, deadline_at = excluded.deadline_at,
            deadline_leased_by = NULL, deadline_leased_until = NULL;
        END IF;
        IF cardinality(e_ids) > 0 THEN
          WITH inserted AS (
            INSERT INTO events (id, call_id, seq, type, occurred_at, stream_id, thread_id,
              payload_json)
            SELECT e.id, e.call_id, e.seq, e.type, e.occurred_at, e.stream_id, e.thread_id,
              e.payload_json
            FROM unnest(e_ids, e_calls, e_seqs, e_types, e_at, e_streams, e_threads,
              e_payloads) WITH ORDINALITY
              AS e(id, call_id, seq, type, occurred_at, stream_id, thread_id, payload_json, n)
            ORDER BY e.n
            RETURNING events.id, events.position)
          SELECT array_agg(i.position ORDER BY w.n) INTO appended
          FROM inserted AS i JOIN unnest(e_ids) WITH ORDINALITY AS w(id, n) ON w.id = i.id;
          IF cardinality(d_ids) > 0 THEN
            PERFORM pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(lane_locks) AS k;
            INSERT INTO deliveries (id, endpoint_id, event_id, event_position, call_id, seq,
              previous_seq, event_type, status, attempt_count, next_attempt_at, created_at,
              updated_at)
            SELECT w.id, w.endpoint_id, e_ids[w.ev], appended[w.ev], e_calls[w.ev],
              e_seqs[w.ev],
              GREATEST(lane.max_seq, COALESCE(MAX(e_seqs[w.ev]) OVER earlier, 0)),
              e_types[w.ev], 'pending', 0,
              CASE WHEN NOT lane.pending AND ROW_NUMBER() OVER in_lane = 1 THEN e_at[w.ev] END,
              e_at[w.ev], e_at[w.ev]
            FROM unnest(d_events, d_endpoints, d_ids) WITH ORDINALITY
              AS w(ev, endpoint_id, id, n)
${laneRead}            WINDOW in_lane AS (PARTITION BY w.endpoint_id, e_calls[w.ev] ORDER BY w.n),
              earlier AS (PARTITION BY w.endpoint_id, e_calls[w.ev] ORDER BY w.n
                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
            ORDER BY w.n;
          END IF;
          PERFORM pg_notify(notice_channel, json_build_object('from', notice_from,
            'notice', json_build_object('events', json_build_object(
              'types', to_json(notice_types),
              'lastPosition', (SELECT MAX(p) FROM unnest(appended) AS p))))::text);
        END IF;
        IF cardinality(k_scopes) > 0 THEN
          INSERT INTO idempotency_keys (scope, key, request_hash, created, response_body,
            created_at)
          SELECT * FROM unnest(k_scopes, k_keys, k_hashes, k_created, k_bodies, k_at)
          ON CONFLICT (scope, key) DO UPDATE SET
            request_hash = excluded.request_hash, created = excluded.created,
            response_body = excluded.response_body, created_at = excluded.created_at;
        END IF;
        RETURN json_build_object('positions', to_json(appended));
      END
      $fn$;
`;
}

/** Migration 7's lane read: the EXISTS that a planner without statistics served badly. */
const LANE_READ_7 = `            CROSS JOIN LATERAL (SELECT
              COALESCE((SELECT MAX(d.seq) FROM deliveries AS d
                WHERE d.endpoint_id = w.endpoint_id AND d.call_id = e_calls[w.ev]), 0)
                AS max_seq,
              EXISTS (SELECT 1 FROM deliveries AS d
                WHERE d.endpoint_id = w.endpoint_id AND d.call_id = e_calls[w.ev]
                  AND d.status = 'pending') AS pending) AS lane
`;

/** Migration 8's: one scan on (endpoint_id, call_id), which only deliveries_by_lane serves. */
const LANE_READ_8 = `            CROSS JOIN LATERAL (SELECT COALESCE(MAX(d.seq), 0) AS max_seq,
                COALESCE(bool_or(d.status = 'pending'), false) AS pending
              FROM deliveries AS d
              WHERE d.endpoint_id = w.endpoint_id AND d.call_id = e_calls[w.ev]) AS lane
`;

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
  {
    version: 7,
    name: 'group-commit-functions',
    sql: `
      -- A group commit (pg-command-batch.ts) in two calls instead of a dozen statements: each
      -- statement is a round trip, and a round trip costs ~110 µs of CPU between the node and
      -- its backend (bench/README.md), more than most of these statements do. Each statement
      -- in a function sees what committed before it began (a new snapshot), so a read that
      -- follows a lock sees what the lock's last holder wrote, as separate statements did.

      -- The locks of the batch's calls and keys (sorted by the caller), then what its commands
      -- decide on: the calls' states and the keys' saved responses.
      CREATE FUNCTION callhook_batch_read(lock_names text[], call_ids text[],
        key_scopes text[], key_names text[]) RETURNS json LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(lock_names) AS k;
        RETURN json_build_object(
          'calls', (SELECT json_agg(json_build_array(c.call_id, c.state_json))
            FROM calls AS c WHERE c.call_id = ANY (call_ids)),
          'keys', (SELECT json_agg(json_build_object('scope', k.scope, 'key', k.key,
              'request_hash', k.request_hash, 'created', k.created,
              'response_body', k.response_body, 'created_at', k.created_at))
            FROM idempotency_keys AS k
            JOIN unnest(key_scopes, key_names) AS w(scope, key)
              ON k.scope = w.scope AND k.key = w.key));
      END
      $fn$;

${batchWriteFunction('CREATE', LANE_READ_7)}    `,
  },
  {
    version: 8,
    name: 'lane-reads-and-position-brin',
    sql: `
      -- Migration 7's write read a lane's pending state with an EXISTS that, on a table
      -- without statistics, the planner served from deliveries_by_endpoint_status: every
      -- pending delivery of the endpoint, per delivery written (pg-lanes.ts). The same
      -- function, reading each lane in one scan on (endpoint_id, call_id), which only
      -- deliveries_by_lane serves.
${batchWriteFunction('CREATE OR REPLACE', LANE_READ_8)}
      -- Only retention reads deliveries by event position, in ranges; the positions grow with
      -- the table, so a BRIN index serves those ranges at a fraction of a btree's upkeep (the
      -- btree took an entry at every insert and every non-HOT update of a delivery).
      DROP INDEX deliveries_by_event_position;
      CREATE INDEX deliveries_by_event_position ON deliveries USING brin (event_position)
        WITH (pages_per_range = 32);
    `,
  },
];

export const PG_LATEST_SCHEMA_VERSION = PG_MIGRATIONS.reduce(
  (max, m) => Math.max(max, m.version),
  0,
);
