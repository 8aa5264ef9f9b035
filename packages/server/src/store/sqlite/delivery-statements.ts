import type Database from 'better-sqlite3';
import type {
  AttemptRow,
  DeliveryRow,
  DueRow,
  EndpointRow,
  LaneHeadRow,
  ReplayEventRow,
} from './delivery-rows.ts';
import * as sql from './delivery-sql.ts';

// The delivery statements, prepared once per connection at open (after migrations).

type Params = Record<string, unknown>;

export interface EnabledEndpointRow {
  id: string;
  event_types: string | null;
  filter_stream_id: string | null;
  filter_thread_id: string | null;
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

    selectLaneHead: db.prepare<Params, LaneHeadRow>(sql.SELECT_LANE_HEAD),
    selectLaneFirst: db.prepare<Params, { id: string; seq: number }>(sql.SELECT_LANE_FIRST),
    setNextAttempt: db.prepare<Params>(sql.SET_NEXT_ATTEMPT),
    promoteLaneFirst: db.prepare<Params>(sql.PROMOTE_LANE_FIRST),
    parkEndpointLanes: db.prepare<Params>(sql.PARK_ENDPOINT_LANES),
    resumeEndpointLanes: db.prepare<Params>(sql.RESUME_ENDPOINT_LANES),

    selectDue: db.prepare<Params, DueRow>(sql.SELECT_DUE),
    leaseDelivery: db.prepare<Params>(sql.LEASE_DELIVERY),
    selectNextDue: db.prepare<[], { at: number }>(sql.SELECT_NEXT_DUE),
    releaseLeases: db.prepare<Params>(sql.RELEASE_LEASES),
    insertAttempt: db.prepare<Params>(sql.INSERT_ATTEMPT),
    updateDeliveryOutcome: db.prepare<Params>(sql.UPDATE_DELIVERY_OUTCOME),
    reopenDelivery: db.prepare<Params>(sql.REOPEN_DELIVERY),

    selectDelivery: db.prepare<Params, DeliveryRow>(sql.SELECT_DELIVERY),
    selectDeliveryPage: db.prepare<Params, DeliveryRow>(sql.SELECT_DELIVERY_PAGE),
    selectDeliveryPageByStatus: db.prepare<Params, DeliveryRow>(sql.SELECT_DELIVERY_PAGE_BY_STATUS),
    selectAttemptsOf: db.prepare<Params, AttemptRow>(sql.SELECT_ATTEMPTS_OF),
  };
}

export type DeliveryStatements = ReturnType<typeof prepareDeliveryStatements>;
