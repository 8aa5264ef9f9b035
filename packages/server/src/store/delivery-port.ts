import type { CallEventType } from '@callhook/sdk';

// The delivery half of the storage port (CONTRACT.md §3 endpoints/deliveries, §4 protocol).
// Deliveries form lanes, one per (endpoint, call): only the lane's head — its lowest pending
// seq — has a `nextAttemptAt`; the others wait with null until the head is delivered or
// given up, which is how "seq n+1 is not sent before seq n" is kept without locks. The lanes
// of a disabled endpoint are parked (no head is due) until it is enabled again.

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
  /** Live secrets, newest first (each signs; CONTRACT.md §4 rotation). */
  secrets: string[];
  /** The event body, exactly as it goes on the wire. */
  body: string;
}

/** What the dispatcher decided after one attempt; the store applies it in one transaction. */
export interface AttemptOutcome {
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
  limit: number;
  leaseUntil: number;
  excludeEndpointIds: readonly string[];
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
   * due at `endpoint.updatedAt`.
   */
  updateEndpoint(endpoint: EndpointRecord): Promise<void>;
  /** Deletes the endpoint with its deliveries and attempts; false when there was none. */
  deleteEndpoint(id: string): Promise<boolean>;

  listDeliveries(
    endpointId: string,
    query: { status?: DeliveryStatus; limit: number; cursor?: string },
  ): Promise<Page<DeliveryRecord & { attempts: AttemptRecord[] }>>;
  getDelivery(id: string): Promise<(DeliveryRecord & { attempts: AttemptRecord[] }) | undefined>;

  /**
   * Up to `limit` lane heads due at `now` on enabled endpoints, oldest due first, each leased
   * until `leaseUntil` so a second claim does not return it while it is in flight. Endpoints in
   * `excludeEndpointIds` (those at their concurrency limit) are skipped.
   */
  claimDue(
    now: number,
    limit: number,
    leaseUntil: number,
    excludeEndpointIds?: readonly string[],
  ): Promise<DueDelivery[]>;
  /**
   * Applies attempt outcomes (attempt rows, delivery states, lane promotion, endpoint state), all
   * in one transaction. An outcome for a delivery deleted meanwhile is dropped; one for a
   * delivery already delivered or failed adds only its attempt row, if that attempt is new.
   */
  recordOutcomes(outcomes: readonly AttemptOutcome[], now: number): Promise<void>;
  /**
   * The dispatcher's turn: `recordOutcomes(outcomes, now)`, then — if `claim` is given —
   * `claimDue(now, claim.limit, claim.leaseUntil, claim.excludeEndpointIds)`, in ONE
   * transaction (one commit, and the hot pages of the outbox written once). Nothing of either
   * is written if it throws.
   */
  recordAndClaim(
    outcomes: readonly AttemptOutcome[],
    now: number,
    claim: DueClaim | null,
  ): Promise<DueDelivery[]>;
  /** Earliest due time among lane heads of enabled endpoints, or null. */
  nextDueAt(): Promise<number | null>;
  /** After a restart: in-flight leases of the dead process become due at once. */
  releaseLeases(now: number): Promise<number>;

  /**
   * A failed (or pending) delivery goes again: pending, due now if it heads its lane. A lower
   * seq than the lane's head takes the head, unless the head is in flight (then it waits for
   * that outcome). Undefined for an unknown id; CallhookError `conflict` if it was delivered.
   */
  retryDelivery(id: string, now: number): Promise<DeliveryRecord | undefined>;
  /**
   * New deliveries (new ids, same event ids) of the events in [since, until] that the endpoint
   * subscribes to; each lane then sends them in seq order. CallhookError `not_found` for an
   * unknown endpoint, `validation_error` for since > until.
   */
  replay(endpointId: string, since: number, until: number, now: number): Promise<number>;
}
