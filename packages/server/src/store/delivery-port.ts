import type { CallEventType } from '@callhook/sdk';

// The delivery half of the storage port (docs/contract.md §3 endpoints/deliveries, §4 protocol).
// Deliveries form lanes, one per (endpoint, call): only the lane's head — its lowest pending
// seq — has a `nextAttemptAt`; the others wait with null until the head is delivered or
// given up, which is how "seq n+1 is not sent before seq n" is kept without locks. The lanes
// of a disabled endpoint are parked (no head is due) until it is enabled again.
//
// The outbox: every event that an enabled endpoint's subscription selects when the event
// commits is a delivery of that endpoint (delivery/subscription.ts), whatever happens to the
// endpoint afterwards. An adapter may write it in the command's transaction (PostgreSQL) or
// derive it from the log after the commit (SQLite: sqlite/unwritten-deliveries.ts), as long as
// every claim, listing and count through this port sees it from the commit on, and a change of
// the subscription applies only to the events after it.

export interface EndpointSecret {
  /** `whsec_` + base64 of ≥ 24 random bytes. */
  secret: string;
  createdAt: number;
  /** When an old secret stops signing (24 h after a rotation); null for the current one. */
  expiresAt: number | null;
}

export interface EndpointFilter {
  streamId?: string;
  threadId?: string;
}

export type EndpointDisabledReason = 'manual' | 'gone' | 'failing';

export interface EndpointRecord {
  id: string;
  url: string;
  description: string | null;
  /** Event types delivered; null means all seven. */
  eventTypes: CallEventType[] | null;
  filter: EndpointFilter | null;
  enabled: boolean;
  disabledReason: EndpointDisabledReason | null;
  /** Newest first. Expired secrets may linger until the next write; readers skip them. */
  secrets: EndpointSecret[];
  /** Start of the current unbroken run of failed attempts, or null. */
  failingSince: number | null;
  /**
   * While disabled: the event log position when it was disabled. The events after it that its
   * subscription matches were not queued for it ("missed"); enabling with `replayMissed`
   * queues them. Null while enabled.
   */
  disabledAfterPosition: number | null;
  createdAt: number;
  updatedAt: number;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface DeliveryRecord {
  id: string;
  endpointId: string;
  eventId: string;
  eventPosition: number;
  callId: string;
  seq: number;
  /**
   * The seq of the previous event of this call that this endpoint was sent (its lane's
   * previous delivery), 0 when none: the `callhook-previous-seq` header (docs/contract.md §4).
   */
  previousSeq: number;
  eventType: CallEventType;
  status: DeliveryStatus;
  attemptCount: number;
  /** Due time of the next attempt; null while waiting behind the lane's head, or when done. */
  nextAttemptAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface AttemptRecord {
  deliveryId: string;
  /** 1 for the first attempt. */
  attempt: number;
  startedAt: number;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  /** First 1 KiB of the response body. */
  responseBody: string;
}

/** A claimed delivery with what it takes to send it. */
export interface DueDelivery extends DeliveryRecord {
  url: string;
  /** Live secrets, newest first (each signs; docs/contract.md §4 rotation). */
  secrets: string[];
  /** The event body, exactly as it goes on the wire. */
  body: string;
}

/**
 * What the dispatcher decided after one attempt; the store applies it in one transaction.
 * Only the lease's holder decides the delivery: see `DeliveryStore.recordOutcomes`.
 */
export interface AttemptOutcome {
  /** The node that claimed the delivery and made this attempt (`DueClaim.owner`). */
  owner: string;
  attempt: AttemptRecord;
  /** delivered / failed end the delivery and promote the lane's next; retry sets a due time. */
  next:
    | { status: 'delivered' }
    | { status: 'failed' }
    | { status: 'pending'; nextAttemptAt: number };
  /** Endpoint bookkeeping decided with the attempt. */
  endpoint?: { failingSince: number | null; disable?: EndpointDisabledReason };
}

/** What a claim asks for: see `DeliveryStore.claimDue`. */
export interface DueClaim {
  /** The node claiming (stable across its restarts): each lease names its owner. */
  owner: string;
  limit: number;
  leaseUntil: number;
  /** Endpoints at their concurrency limit on this node: their heads are not claimed. */
  excludeEndpointIds?: readonly string[];
  /**
   * At most `limit` heads of one endpoint, less the attempts it has `inFlight` on this node:
   * one endpoint's backlog never fills a claim while other endpoints' due heads wait behind
   * it (docs/contract.md §4: endpoints never wait on each other). Omitted: no per-endpoint cap.
   */
  perEndpoint?: { limit: number; inFlight?: Readonly<Record<string, number>> };
}

/** What an endpoint missed while disabled (`DeliveryStore.enableEndpoint`). */
export interface MissedEvents {
  /** Events logged while it was disabled that it subscribes to: none was queued for it. */
  events: number;
  /** How many of them were queued now: all with `replayMissed`, else 0. */
  replayed: number;
  /** `occurredAt` of the first and the last of them (a replay window covering all); null if none. */
  firstAt: number | null;
  lastAt: number | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface DeliveryStore {
  /** Throws CallhookError `conflict` when the id is in use. */
  createEndpoint(endpoint: EndpointRecord): Promise<void>;
  getEndpoint(id: string): Promise<EndpointRecord | undefined>;
  listEndpoints(query: { limit: number; cursor?: string }): Promise<Page<EndpointRecord>>;
  /**
   * Writes the whole record (the caller read, changed and validated it); `not_found` if gone.
   * Disabling parks the endpoint's lanes; enabling makes each lane's first pending delivery
   * due at `endpoint.updatedAt`. `disabledAfterPosition` is the store's, not the record's: a
   * write that disables (enabled true → false, also `createEndpoint` of a disabled one, and an
   * outcome's `disable`) sets it to the log's last position in the same transaction, so no
   * event can fall between; a write that enables clears it (see `enableEndpoint`).
   */
  updateEndpoint(endpoint: EndpointRecord): Promise<void>;
  /**
   * `updateEndpoint(endpoint)` with an enabled `endpoint`, and in the same transaction what the
   * endpoint missed while disabled: the events after its `disabledAfterPosition` that its
   * subscription (the one in `endpoint`; delivery/subscription.ts) matches. With
   * `replayMissed` each is queued as `replay` queues (a new waiting delivery, previous seqs
   * chained, lanes settled); otherwise they are only counted, and the position is cleared all
   * the same. An endpoint enabled already missed nothing. `not_found` if gone.
   */
  enableEndpoint(
    endpoint: EndpointRecord,
    options: { replayMissed: boolean },
  ): Promise<MissedEvents>;
  /** Deletes the endpoint with its deliveries and attempts; false when there was none. */
  deleteEndpoint(id: string): Promise<boolean>;

  listDeliveries(
    endpointId: string,
    query: { status?: DeliveryStatus; limit: number; cursor?: string },
  ): Promise<Page<DeliveryRecord & { attempts: AttemptRecord[] }>>;
  getDelivery(id: string): Promise<(DeliveryRecord & { attempts: AttemptRecord[] }) | undefined>;

  /**
   * Up to `limit` lane heads due at `now` on enabled endpoints, oldest due first within each
   * endpoint; when `limit` binds, every endpoint with due heads gets a part of it — each first
   * up to an even share of `limit`, endpoints taken in a turn that rotates from claim to claim
   * (with more endpoints than `limit`, the next claim starts where this one stopped). Each is leased
   * to `owner` until `leaseUntil` so a second claim does not return it while it is in flight.
   * A head whose lease has expired is claimable by anyone (its owner is dead or stuck). Taking
   * over another owner's lapsed lease counts that owner's attempt as made (it may have been
   * sent, and its late outcome is logged under its own number): the claimed `attemptCount` is
   * one more, so the two attempts never share a number. An owner claiming its own lapsed lease
   * again (its attempt is still under way) counts nothing.
   * Endpoints in `excludeEndpointIds` are skipped; `perEndpoint` caps each endpoint's share.
   * No endpoint's backlog is read to claim another endpoint's heads.
   */
  claimDue(now: number, claim: DueClaim): Promise<DueDelivery[]>;
  /**
   * Applies attempt outcomes (attempt rows, delivery states, lane promotion, endpoint state), all
   * in one transaction. An outcome for a delivery deleted meanwhile is dropped. Every other one
   * adds its attempt row if that attempt is new (it happened: it belongs in the log), and its
   * endpoint share (what it says of the endpoint is true whoever asked).
   *
   * The delivery itself is decided by its lease's holder: the owner the delivery was last
   * claimed by, as long as no other owner claimed it since (an expired lease alone takes
   * nothing away). The holder's outcome ends the lease and applies `next`: a retry time, or
   * the delivery settled and its lane moved on. An outcome of any other owner — its lease
   * lapsed mid-attempt and the delivery was claimed again, or its lease was released — is late:
   * - a retry or a failure changes nothing (the holder's attempt decides);
   * - `delivered` settles the delivery (the receiver has it) and leaves the holder's lease in
   *   place. While that lease is unexpired its attempt is still under way, so the lane's next
   *   delivery is due only when the lease ends, or at once when the holder's outcome comes:
   *   one attempt in flight per lane, and no new head while another owner's lease is live.
   * An outcome for a delivery already delivered or failed changes nothing else, except that its
   * holder's ends the lease (and frees the lane waiting on it, as above).
   */
  recordOutcomes(outcomes: readonly AttemptOutcome[], now: number): Promise<void>;
  /**
   * The dispatcher's turn: `recordOutcomes(outcomes, now)`, then — if `claim` is given —
   * `claimDue(now, claim)`, in ONE
   * transaction (one commit, and the hot pages of the outbox written once). Nothing of either
   * is written if it throws. Each outcome names its own owner (the lease rule of
   * `recordOutcomes`), whether or not `claim` is given.
   */
  recordAndClaim(
    outcomes: readonly AttemptOutcome[],
    now: number,
    claim: DueClaim | null,
  ): Promise<DueDelivery[]>;
  /** Earliest due time among lane heads of enabled endpoints, or null. */
  nextDueAt(): Promise<number | null>;
  /**
   * A node starting: the leases `owner` held in its previous life (it died or stopped with
   * attempts in flight) end, and those heads are due at once. Leases of other owners are
   * never touched: an unexpired one may belong to a live node; an expired one is claimable
   * by anyone anyway.
   *
   * Leases outlive the store (a restart) on an adapter shared by several nodes (PostgreSQL).
   * An adapter only one process ever opens (SQLite: store/data-dir-lock.ts) may keep the
   * leases of deliveries it has not written yet in that process's memory (its deferred
   * outbox), so that they end with it: after a restart those deliveries are claimable at once,
   * as if released — which is what the one node that could have held them does at its start.
   */
  releaseLeases(owner: string, now: number): Promise<number>;

  /**
   * A failed (or pending) delivery goes again: pending, due now if it heads its lane. A lower
   * seq than the lane's head takes the head, unless the head is in flight (then it waits for
   * that outcome). Undefined for an unknown id; CallhookError `conflict` if it was delivered.
   */
  retryDelivery(id: string, now: number): Promise<DeliveryRecord | undefined>;
  /**
   * New deliveries (new ids, same event ids) of the events in [since, until] that the endpoint
   * subscribes to; each lane then sends them in seq order. Each one's `previousSeq` is the seq
   * of the call's previous event the subscription matches: the previous replayed one, and for
   * a call's first replayed event the last match before it in the log (0 if none). CallhookError
   * `not_found` for an unknown endpoint, `validation_error` for since > until.
   */
  replay(endpointId: string, since: number, until: number, now: number): Promise<number>;
  /**
   * One event sent again to one endpoint: a new delivery (new id, same event id), queued as
   * `replay` queues it (waiting, then the lane rule; `previousSeq` the seq of the call's last
   * earlier event the subscription matches, 0 if none), whether or not the event was delivered
   * to it before. CallhookError `not_found` for an unknown endpoint or event, except an event
   * that retention removed (`missingEventError`: its UUIDv7 time is before the horizon's
   * `removedBefore`) is `retention_expired`; `conflict` if the endpoint's subscription does not
   * select the event (nothing is queued).
   */
  resendEvent(endpointId: string, eventId: string, now: number): Promise<DeliveryRecord>;
}
