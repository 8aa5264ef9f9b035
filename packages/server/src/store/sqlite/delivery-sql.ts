import { LIMIT } from './sql-limit.ts';

// Every SQL statement of the delivery half of the SQLite adapter: endpoints, the outbox of
// deliveries, their lanes, attempts. The schema is migrations 2 and 3 (migrations.ts); statements
// are prepared once at open (delivery-statements.ts); named parameters (@name) only.
//
// Lanes: the pending deliveries of one (endpoint, call). The head has a next_attempt_at, the
// others wait with NULL; the partial index deliveries_due_by_endpoint holds heads only, so the due scan
// never reads waiting rows. Lanes of a disabled endpoint are parked: no head until re-enabled.

// ── endpoints ────────────────────────────────────────────────────────────────────────────

const ENDPOINT_COLUMNS = `id, url, description, event_types, filter_stream_id, filter_thread_id,
  enabled, disabled_reason, secrets_json, failing_since, disabled_after_position, created_at,
  updated_at`;

/**
 * The log's last position, read in the writing transaction: an endpoint disabled now misses
 * exactly the events after it (the outbox queues nothing for it from the next one on).
 */
const LOG_END = '(SELECT COALESCE(MAX(position), 0) FROM events)';

/** An endpoint created disabled misses what comes after its creation. */
export const INSERT_ENDPOINT = `
  INSERT INTO endpoints (${ENDPOINT_COLUMNS}, outbox_position)
  VALUES (@id, @url, @description, @eventTypes, @filterStreamId, @filterThreadId,
    @enabled, @disabledReason, @secretsJson, @failingSince,
    CASE WHEN @enabled = 1 THEN NULL ELSE ${LOG_END} END, @createdAt, @updatedAt,
    ${LOG_END})`;

export const SELECT_ENDPOINT = `SELECT ${ENDPOINT_COLUMNS} FROM endpoints WHERE id = @id`;

/** Newest first, after the keyset cursor (@beforeCreatedAt, @beforeId). */
export const SELECT_ENDPOINT_PAGE = `
  SELECT ${ENDPOINT_COLUMNS} FROM endpoints
  WHERE (created_at, id) < (@beforeCreatedAt, @beforeId)
  ORDER BY created_at DESC, id DESC
  ${LIMIT}`;

/**
 * The whole record but its id and creation time. disabled_after_position is the store's: set
 * when enabled goes 1 → 0, kept while disabled, cleared on enable (SET reads the old row).
 */
export const UPDATE_ENDPOINT = `
  UPDATE endpoints SET
    url = @url, description = @description, event_types = @eventTypes,
    filter_stream_id = @filterStreamId, filter_thread_id = @filterThreadId,
    enabled = @enabled, disabled_reason = @disabledReason, secrets_json = @secretsJson,
    failing_since = @failingSince,
    disabled_after_position = CASE
      WHEN @enabled = 1 THEN NULL
      WHEN enabled = 1 THEN ${LOG_END}
      ELSE disabled_after_position END,
    outbox_position = ${LOG_END},
    updated_at = @updatedAt
  WHERE id = @id`;

/** Deliveries and their attempts go with it (ON DELETE CASCADE). */
export const DELETE_ENDPOINT = 'DELETE FROM endpoints WHERE id = @id';

/** What the outbox matches events against, kept in memory (enabled-endpoints.ts). */
export const SELECT_ENABLED_ENDPOINT_FILTERS = `
  SELECT id, event_types, filter_stream_id, filter_thread_id FROM endpoints
  WHERE enabled = 1 ORDER BY id`;

export const SELECT_ENDPOINT_ENABLED = 'SELECT enabled FROM endpoints WHERE id = @id';

/**
 * The endpoint's share of an attempt outcome: its failure run, and maybe a disable (410, or
 * failing too long), which records the log's end like any disable (SET reads the old row).
 */
export const APPLY_ENDPOINT_OUTCOME = `
  UPDATE endpoints SET
    failing_since = @failingSince,
    enabled = CASE WHEN @disable IS NULL THEN enabled ELSE 0 END,
    disabled_reason = COALESCE(@disable, disabled_reason),
    disabled_after_position = CASE
      WHEN @disable IS NOT NULL AND enabled = 1 THEN ${LOG_END}
      ELSE disabled_after_position END,
    outbox_position = CASE WHEN @disable IS NULL THEN outbox_position ELSE ${LOG_END} END,
    updated_at = @now
  WHERE id = @id`;

// ── the outbox ───────────────────────────────────────────────────────────────────────────

const DELIVERY_COLUMNS = `id, endpoint_id, event_id, event_position, call_id, seq,
  previous_seq, event_type, status, attempt_count, next_attempt_at, leased_until, created_at,
  updated_at`;

/**
 * A new event's delivery: it heads its lane (due @now) when the lane has nothing pending,
 * else it waits. A new event has the highest seq of its call, so waiting is its right place,
 * and its previous seq is the highest of its lane so far (what this endpoint was sent last).
 */
export const INSERT_OUTBOX_DELIVERY = `
  INSERT INTO deliveries (${DELIVERY_COLUMNS})
  VALUES (@id, @endpointId, @eventId, @eventPosition, @callId, @seq,
    COALESCE((
      SELECT MAX(seq) FROM deliveries WHERE endpoint_id = @endpointId AND call_id = @callId
    ), 0),
    @eventType, 'pending', 0,
    CASE WHEN EXISTS (
      SELECT 1 FROM deliveries
      WHERE endpoint_id = @endpointId AND call_id = @callId AND status = 'pending'
    ) THEN NULL ELSE @now END,
    NULL, @now, @now)`;

/**
 * A replayed event's delivery, waiting; the lane is settled after the whole replay. Its
 * @previousSeq is the replay's (retry-and-replay.ts).
 */
export const INSERT_WAITING_DELIVERY = `
  INSERT INTO deliveries (${DELIVERY_COLUMNS})
  VALUES (@id, @endpointId, @eventId, @eventPosition, @callId, @seq, @previousSeq, @eventType,
    'pending', 0, NULL, NULL, @now, @now)`;

/** What replay and the missed-event count need of an event: the subscription's facts. */
const EVENT_FACT_COLUMNS = `position, id, call_id, seq, type,
  json_extract(payload_json, '$.streamId') AS stream_id,
  json_extract(payload_json, '$.threadId') AS thread_id,
  occurred_at`;

/**
 * Events to replay up to @until, in (occurred_at, position) order — the order of
 * events_by_occurred, whose entries end in the rowid — after the keyset (@afterAt,
 * @afterPosition); the first page passes (since, 0). The range starts at @afterAt, so each
 * page reads only its own rows.
 */
export const SELECT_EVENTS_TO_REPLAY = `
  SELECT ${EVENT_FACT_COLUMNS}
  FROM events
  WHERE occurred_at >= @afterAt AND occurred_at <= @until
    AND (occurred_at > @afterAt OR position > @afterPosition)
  ORDER BY occurred_at, position
  ${LIMIT}`;

/** One event by its id (resend), with the subscription's facts. */
export const SELECT_EVENT_FACTS_BY_ID = `SELECT ${EVENT_FACT_COLUMNS} FROM events WHERE id = @id`;

/** The events after log position @afterPosition, in log order, a page of @limit. */
export const SELECT_EVENTS_AFTER = `
  SELECT ${EVENT_FACT_COLUMNS}
  FROM events
  WHERE position > @afterPosition
  ORDER BY position
  ${LIMIT}`;

/**
 * The events of call @callId before seq @beforeSeq, newest first (the UNIQUE (call_id, seq)
 * index): replay finds in them the previous event an endpoint subscribes to.
 */
export const SELECT_CALL_EVENTS_BEFORE = `
  SELECT seq, type,
    json_extract(payload_json, '$.streamId') AS stream_id,
    json_extract(payload_json, '$.threadId') AS thread_id
  FROM events
  WHERE call_id = @callId AND seq < @beforeSeq
  ORDER BY seq DESC`;

// ── the deferred outbox (unwritten-deliveries.ts) ─────────────────────────────────────────

/** An endpoint's outbox position: every selected event at or below it has its delivery row. */
export const SELECT_OUTBOX_POSITION =
  'SELECT outbox_position, enabled FROM endpoints WHERE id = @id';

export const SET_OUTBOX_POSITION =
  'UPDATE endpoints SET outbox_position = @position WHERE id = @id';

/** The log's last position. */
export const SELECT_LOG_END = 'SELECT COALESCE(MAX(position), 0) AS position FROM events';

/** Events after @after in log order, with what a subscription selects on and the body. */
export const SELECT_WINDOW_EVENTS = `
  SELECT position, id, call_id, seq, type,
    json_extract(payload_json, '$.streamId') AS stream_id,
    json_extract(payload_json, '$.threadId') AS thread_id,
    occurred_at, payload_json
  FROM events
  WHERE position > @after
  ORDER BY position
  ${LIMIT}`;

/** The events that happened at @at (ms): where a lookup by outbox delivery id looks. */
export const SELECT_EVENTS_AT =
  'SELECT position, id, occurred_at FROM events WHERE occurred_at = @at';

/** When the earliest of the @limit events after @after happened. */
export const SELECT_FIRST_EVENT_AFTER = `
  SELECT MIN(occurred_at) AS at FROM (
    SELECT occurred_at FROM events WHERE position > @after ORDER BY position ${LIMIT})`;

/** Rows of the endpoint above its outbox position: written out of order, skipped on reading. */
export const SELECT_WRITTEN_ABOVE = `
  SELECT event_position FROM deliveries INDEXED BY deliveries_by_event_position
  WHERE event_position > @after AND endpoint_id = @endpointId`;

/** A lane's rows: its highest seq (the next one's previous seq) and whether any is pending. */
export const SELECT_LANE_STATE = `
  SELECT MAX(seq) AS last_seq, MAX(status = 'pending') AS pending FROM deliveries
  WHERE endpoint_id = @endpointId AND call_id = @callId`;

/**
 * A delivery of the window written as it stands (delivered, a head maybe leased, or waiting):
 * its parameters are the row's own columns (a `DeliveryRow` and `leased_by`).
 */
export const INSERT_DELIVERY_ROW = `
  INSERT INTO deliveries (${DELIVERY_COLUMNS}, leased_by)
  VALUES (@id, @endpoint_id, @event_id, @event_position, @call_id, @seq, @previous_seq,
    @event_type, @status, @attempt_count, @next_attempt_at, @leased_until, @created_at,
    @updated_at, @leased_by)`;

// ── lanes ────────────────────────────────────────────────────────────────────────────────

/** The lane's head (its delivery with a due time), if any. */
export const SELECT_LANE_HEAD = `
  SELECT id, seq, leased_until FROM deliveries
  WHERE endpoint_id = @endpointId AND call_id = @callId AND status = 'pending'
    AND next_attempt_at IS NOT NULL
  ORDER BY seq, rowid
  LIMIT 1`;

/** The lane's lowest pending seq, first written first among equal seqs (replays). */
export const SELECT_LANE_FIRST = `
  SELECT id, seq FROM deliveries
  WHERE endpoint_id = @endpointId AND call_id = @callId AND status = 'pending'
  ORDER BY seq, rowid
  LIMIT 1`;

/**
 * (Lane statements name deliveries_by_lane: the due index also starts with endpoint_id, and
 * through it a lookup of one lane would walk every due head of the endpoint.)
 *
 * The lane rule's common case in one statement: a lane without a head (its head was just
 * delivered or given up) gets its lowest pending seq as head, due @at — @now, or the end of
 * a lease still live on the delivered one (a late outcome settled it while its holder's attempt
 * is under way). Changes nothing when the lane has a head or nothing pending; the caller then
 * applies the whole rule.
 */
export const PROMOTE_LANE_FIRST = `
  UPDATE deliveries SET next_attempt_at = @at, updated_at = @now
  WHERE id = (
      SELECT id FROM deliveries
      WHERE endpoint_id = @endpointId AND call_id = @callId AND status = 'pending'
      ORDER BY seq, rowid
      LIMIT 1)
    AND NOT EXISTS (
      SELECT 1 FROM deliveries INDEXED BY deliveries_by_lane
      WHERE endpoint_id = @endpointId AND call_id = @callId AND status = 'pending'
        AND next_attempt_at IS NOT NULL)`;

/** Makes a delivery its lane's head (@at a time) or a waiting one (@at NULL). */
export const SET_NEXT_ATTEMPT = `
  UPDATE deliveries SET next_attempt_at = @at, updated_at = @now WHERE id = @id`;

/** Disabling an endpoint parks its lanes: no head is due, nothing is scanned. */
export const PARK_ENDPOINT_LANES = `
  UPDATE deliveries SET next_attempt_at = NULL, updated_at = @now
  WHERE endpoint_id = @endpointId AND status = 'pending' AND next_attempt_at IS NOT NULL`;

/**
 * Enabling it again gives each lane without a head its first pending delivery, due @now, or
 * its delivery still in flight (leased) if it has one: a lower seq that a retry or a replay
 * put behind it waits for its outcome, so the lane never has two attempts in flight.
 */
export const RESUME_ENDPOINT_LANES = `
  UPDATE deliveries SET next_attempt_at = @now, updated_at = @now
  WHERE id IN (
    SELECT (
      SELECT first.id FROM deliveries AS first
      WHERE first.endpoint_id = @endpointId AND first.call_id = lane.call_id
        AND first.status = 'pending'
      ORDER BY coalesce(first.leased_until > @now, 0) DESC, first.seq, first.rowid
      LIMIT 1)
    FROM deliveries AS lane
    WHERE lane.endpoint_id = @endpointId AND lane.status = 'pending'
    GROUP BY lane.call_id
    HAVING COUNT(lane.next_attempt_at) = 0)`;

// ── claiming and outcomes ────────────────────────────────────────────────────────────────

/**
 * One enabled endpoint's due, unleased lane heads, oldest due first, at most @limit: the
 * claim asks endpoint by endpoint (deliveries_due_by_endpoint), so it reads what it takes and
 * the heads in flight before them, never another endpoint's backlog.
 */
export const SELECT_DUE_OF_ENDPOINT = `
  SELECT d.id, d.endpoint_id, d.event_id, d.event_position, d.call_id, d.seq, d.previous_seq,
    d.event_type,
    d.status, d.attempt_count, d.next_attempt_at, d.leased_until, d.created_at, d.updated_at,
    e.url, e.secrets_json, ev.payload_json
  FROM deliveries AS d
  CROSS JOIN endpoints AS e ON e.id = d.endpoint_id
  CROSS JOIN events AS ev ON ev.position = d.event_position
  WHERE d.endpoint_id = @endpointId
    AND d.status = 'pending' AND d.next_attempt_at IS NOT NULL AND d.next_attempt_at <= @now
    AND (d.leased_until IS NULL OR d.leased_until <= @now)
    AND e.enabled = 1
  ORDER BY d.next_attempt_at
  ${LIMIT}`;

/**
 * The claim's lease: held by @owner until @leaseUntil. A lease still naming another owner ran
 * out with no outcome written: that owner's attempt counts as made (it may have been sent, and
 * its late outcome is logged under its number), so this claim's attempt comes after it.
 */
export const LEASE_DELIVERY = `
  UPDATE deliveries SET
    attempt_count = attempt_count + (leased_by IS NOT NULL AND leased_by <> @owner),
    leased_until = @leaseUntil, leased_by = @owner
  WHERE id = @id
  RETURNING attempt_count`;

/** Earliest due time of a head of an enabled endpoint (in flight or not). */
export const SELECT_NEXT_DUE = `
  SELECT MIN((
    SELECT d.next_attempt_at FROM deliveries AS d
    WHERE d.endpoint_id = e.id AND d.status = 'pending' AND d.next_attempt_at IS NOT NULL
    ORDER BY d.next_attempt_at
    LIMIT 1)) AS at
  FROM endpoints AS e
  WHERE e.enabled = 1`;

/**
 * A node (re)starting has nothing in flight: the leases @owner holds end, and those heads are
 * due at once (MIN keeps their order). Another owner's lease is never touched: it may be a
 * live node's. Leased rows are heads, so the partial index finds them all.
 */
export const RELEASE_LEASES = `
  UPDATE deliveries SET
    leased_until = NULL, leased_by = NULL, next_attempt_at = MIN(next_attempt_at, @now),
    updated_at = @now
  WHERE status = 'pending' AND next_attempt_at IS NOT NULL AND leased_until IS NOT NULL
    AND leased_by = @owner`;

/** A second outcome for the same attempt (a lease that ran out twice) keeps the first. */
export const INSERT_ATTEMPT = `
  INSERT INTO delivery_attempts
    (delivery_id, attempt, started_at, status_code, latency_ms, error, response_body)
  VALUES (@deliveryId, @attempt, @startedAt, @statusCode, @latencyMs, @error, @responseBody)
  ON CONFLICT (delivery_id, attempt) DO NOTHING`;

/** What an outcome is checked against: the delivery's state and who holds its lease. */
export const SELECT_OUTCOME_TARGET = `
  SELECT endpoint_id, call_id, status, next_attempt_at, leased_until, leased_by
  FROM deliveries WHERE id = @id`;

/**
 * The lease holder's outcome: a head takes its retry time (@nextAttemptAt). A waiting delivery keeps
 * waiting: its late outcome (its lease lapsed, and a retry or a replay gave the lane a lower
 * head meanwhile) must not make a second head; the lane rule moves it up in its turn.
 */
export const UPDATE_DELIVERY_OUTCOME = `
  UPDATE deliveries SET
    status = @status, attempt_count = MAX(attempt_count, @attempt),
    next_attempt_at = CASE WHEN next_attempt_at IS NULL THEN NULL ELSE @nextAttemptAt END,
    leased_until = NULL, leased_by = NULL, updated_at = @now
  WHERE id = @id`;

/**
 * A late `delivered` (its owner's lease lapsed, and another claimed the delivery since): the
 * receiver has it, so it is delivered, but the holder's lease stays until its own outcome.
 */
export const SETTLE_LATE_DELIVERED = `
  UPDATE deliveries SET
    status = 'delivered', attempt_count = MAX(attempt_count, @attempt), next_attempt_at = NULL,
    updated_at = @now
  WHERE id = @id`;

/** The holder's outcome for a delivery a late `delivered` settled: its lease ends. */
export const END_LEASE = `
  UPDATE deliveries SET leased_until = NULL, leased_by = NULL, updated_at = @now WHERE id = @id`;

/**
 * …and the lane's head, due when that lease (until @leasedUntil) would have ended, is due now.
 * A head due later than the lease has a retry time of its own and keeps it.
 */
export const HEAD_DUE_AFTER_LEASE_NOW = `
  UPDATE deliveries INDEXED BY deliveries_by_lane SET next_attempt_at = @now, updated_at = @now
  WHERE endpoint_id = @endpointId AND call_id = @callId AND status = 'pending'
    AND next_attempt_at > @now AND next_attempt_at <= @leasedUntil`;

/** Manual retry: pending again, waiting until the lane is settled. */
export const REOPEN_DELIVERY = `
  UPDATE deliveries SET
    status = 'pending', next_attempt_at = NULL, leased_until = NULL, updated_at = @now
  WHERE id = @id`;

// ── reading deliveries ───────────────────────────────────────────────────────────────────

export const SELECT_DELIVERY = `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE id = @id`;

/** An endpoint's deliveries of @status newest first, after the keyset (@beforeCreatedAt, @beforeId). */
export const SELECT_DELIVERY_PAGE_BY_STATUS = deliveryPageOf('@status');

/**
 * The same over every status: the newest @limit of each status's range, merged. Each range is
 * read in index order and stops at @limit, so a page costs at most 3 × @limit rows.
 */
export const SELECT_DELIVERY_PAGE = `
  SELECT * FROM (${deliveryPageOf("'pending'")})
  UNION ALL SELECT * FROM (${deliveryPageOf("'delivered'")})
  UNION ALL SELECT * FROM (${deliveryPageOf("'failed'")})
  ORDER BY created_at DESC, id DESC
  ${LIMIT}`;

function deliveryPageOf(status: string): string {
  return `
    SELECT ${DELIVERY_COLUMNS} FROM deliveries
    WHERE endpoint_id = @endpointId AND status = ${status}
      AND (created_at, id) < (@beforeCreatedAt, @beforeId)
    ORDER BY created_at DESC, id DESC
    ${LIMIT}`;
}

const ATTEMPT_COLUMNS =
  'delivery_id, attempt, started_at, status_code, latency_ms, error, response_body';

/** Attempts of the deliveries in @ids (a JSON array), in attempt order. */
export const SELECT_ATTEMPTS_OF = `
  SELECT ${ATTEMPT_COLUMNS} FROM delivery_attempts
  WHERE delivery_id IN (SELECT value FROM json_each(@ids))
  ORDER BY delivery_id, attempt`;
