import type Database from 'better-sqlite3';
import type {
  AttemptRow,
  CallEventRow,
  DeliveryRow,
  DueRow,
  EndpointRow,
  LaneHeadRow,
  ReplayEventRow,
} from '../delivery-rows.ts';
import * as sql from './delivery-sql.ts';

// The delivery statements, prepared once per connection at open (after migrations).

type Params = Record<string, unknown>;

export interface EnabledEndpointRow {
  id: string;
  event_types: string | null;
  filter_stream_id: string | null;
  filter_thread_id: string | null;
}

/** An event as the deferred outbox reads it (SELECT_WINDOW_EVENTS). */
export interface WindowEventRow extends ReplayEventRow {
  payload_json: string;
}

/** What an outcome is checked against (SELECT_OUTCOME_TARGET). */
export interface OutcomeTargetRow {
  endpoint_id: string;
  call_id: string;
  status: string;
  next_attempt_at: number | null;
  leased_until: number | null;
  leased_by: string | null;
}

export function prepareDeliveryStatements(db: Database.Database) {
  return {
    insertEndpoint: db.prepare<Params>(sql.INSERT_ENDPOINT),
    selectEndpoint: db.prepare<Params, EndpointRow>(sql.SELECT_ENDPOINT),
    selectEndpointPage: db.prepare<Params, EndpointRow>(sql.SELECT_ENDPOINT_PAGE),
    updateEndpoint: db.prepare<Params>(sql.UPDATE_ENDPOINT),
    deleteEndpoint: db.prepare<Params>(sql.DELETE_ENDPOINT),
    selectEnabledEndpointFilters: db.prepare<[], EnabledEndpointRow>(
      sql.SELECT_ENABLED_ENDPOINT_FILTERS,
    ),
    selectEndpointEnabled: db.prepare<Params, { enabled: number }>(sql.SELECT_ENDPOINT_ENABLED),
    applyEndpointOutcome: db.prepare<Params>(sql.APPLY_ENDPOINT_OUTCOME),

    insertOutboxDelivery: db.prepare<Params>(sql.INSERT_OUTBOX_DELIVERY),
    insertWaitingDelivery: db.prepare<Params>(sql.INSERT_WAITING_DELIVERY),
    selectEventsToReplay: db.prepare<Params, ReplayEventRow>(sql.SELECT_EVENTS_TO_REPLAY),
    selectEventsAfter: db.prepare<Params, ReplayEventRow>(sql.SELECT_EVENTS_AFTER),
    selectEventFactsById: db.prepare<Params, ReplayEventRow>(sql.SELECT_EVENT_FACTS_BY_ID),
    selectCallEventsBefore: db.prepare<Params, CallEventRow>(sql.SELECT_CALL_EVENTS_BEFORE),

    selectOutboxPosition: db.prepare<Params, { outbox_position: number; enabled: number }>(
      sql.SELECT_OUTBOX_POSITION,
    ),
    setOutboxPosition: db.prepare<Params>(sql.SET_OUTBOX_POSITION),
    selectLogEnd: db.prepare<[], { position: number }>(sql.SELECT_LOG_END),
    selectWindowEvents: db.prepare<Params, WindowEventRow>(sql.SELECT_WINDOW_EVENTS),
    selectFirstEventAfter: db.prepare<Params, { at: number | null }>(sql.SELECT_FIRST_EVENT_AFTER),
    selectEventsAt: db.prepare<Params, { position: number; id: string; occurred_at: number }>(
      sql.SELECT_EVENTS_AT,
    ),
    selectWrittenAbove: db.prepare<Params, { event_position: number }>(sql.SELECT_WRITTEN_ABOVE),
    selectLaneState: db.prepare<Params, { last_seq: number | null; pending: number | null }>(
      sql.SELECT_LANE_STATE,
    ),
    insertDeliveryRow: db.prepare<Params>(sql.INSERT_DELIVERY_ROW),

    selectLaneHead: db.prepare<Params, LaneHeadRow>(sql.SELECT_LANE_HEAD),
    selectLaneFirst: db.prepare<Params, { id: string; seq: number }>(sql.SELECT_LANE_FIRST),
    setNextAttempt: db.prepare<Params>(sql.SET_NEXT_ATTEMPT),
    promoteLaneFirst: db.prepare<Params>(sql.PROMOTE_LANE_FIRST),
    parkEndpointLanes: db.prepare<Params>(sql.PARK_ENDPOINT_LANES),
    resumeEndpointLanes: db.prepare<Params>(sql.RESUME_ENDPOINT_LANES),

    selectDueOfEndpoint: db.prepare<Params, DueRow>(sql.SELECT_DUE_OF_ENDPOINT),
    leaseDelivery: db.prepare<
      { id: string; leaseUntil: number; owner: string },
      { attempt_count: number }
    >(sql.LEASE_DELIVERY),
    selectNextDue: db.prepare<[], { at: number }>(sql.SELECT_NEXT_DUE),
    releaseLeases: db.prepare<{ owner: string; now: number }>(sql.RELEASE_LEASES),
    insertAttempt: db.prepare<Params>(sql.INSERT_ATTEMPT),
    selectOutcomeTarget: db.prepare<Params, OutcomeTargetRow>(sql.SELECT_OUTCOME_TARGET),
    updateDeliveryOutcome: db.prepare<Params>(sql.UPDATE_DELIVERY_OUTCOME),
    settleLateDelivered: db.prepare<Params>(sql.SETTLE_LATE_DELIVERED),
    endLease: db.prepare<Params>(sql.END_LEASE),
    headDueAfterLeaseNow: db.prepare<Params>(sql.HEAD_DUE_AFTER_LEASE_NOW),
    reopenDelivery: db.prepare<Params>(sql.REOPEN_DELIVERY),

    selectDelivery: db.prepare<Params, DeliveryRow>(sql.SELECT_DELIVERY),
    selectDeliveryPage: db.prepare<Params, DeliveryRow>(sql.SELECT_DELIVERY_PAGE),
    selectDeliveryPageByStatus: db.prepare<Params, DeliveryRow>(sql.SELECT_DELIVERY_PAGE_BY_STATUS),
    selectAttemptsOf: db.prepare<Params, AttemptRow>(sql.SELECT_ATTEMPTS_OF),
  };
}

export type DeliveryStatements = ReturnType<typeof prepareDeliveryStatements>;
