import type { CallState, EngineEvent } from '../../engine/call-state.ts';
import type { IdempotencyRecord, StoredEvent } from '../port.ts';

// Rows as SQLite returns them, and their conversion to and from the port's values.

export interface CallStateRow {
  state_json: string;
}

export interface CallPageRow extends CallStateRow {
  created_at: number;
  call_id: string;
}

export interface EventRow {
  position: number;
  id: string;
  call_id: string;
  seq: number;
  type: string;
  occurred_at: number;
  payload_json: string;
}

export interface IdempotencyRow {
  scope: string;
  key: string;
  request_hash: string;
  status_code: number;
  response_body: string;
  created_at: number;
}

export function callStateOf(row: CallStateRow): CallState {
  return JSON.parse(row.state_json) as CallState;
}

export function callParams(state: CallState) {
  return {
    callId: state.callId,
    threadId: state.threadId,
    streamId: state.streamId,
    status: state.status,
    createdAt: state.createdAt,
    endedAt: state.endedAt,
    stateJson: JSON.stringify(state),
  };
}

export function eventParams(event: EngineEvent) {
  return {
    id: event.id,
    callId: event.callId,
    seq: event.seq,
    type: event.type,
    occurredAt: event.occurredAt,
    payloadJson: JSON.stringify(event.payload),
  };
}

export function storedEventOf(row: EventRow): StoredEvent {
  // The type column is written only from EngineEvent.type, so the cast restores what was there.
  return {
    position: row.position,
    id: row.id,
    callId: row.call_id,
    seq: row.seq,
    type: row.type as StoredEvent['type'],
    occurredAt: row.occurred_at,
    payload: JSON.parse(row.payload_json) as StoredEvent['payload'],
  };
}

export function idempotencyRecordOf(row: IdempotencyRow): IdempotencyRecord {
  return {
    scope: row.scope,
    key: row.key,
    requestHash: row.request_hash,
    statusCode: row.status_code,
    responseBody: row.response_body,
    createdAt: row.created_at,
  };
}
