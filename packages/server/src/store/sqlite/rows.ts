import type { CallState, EngineEvent } from '../../engine/call-state.ts';
import type { IdempotencyRecord, StoredEvent } from '../port.ts';
import { CorruptRowError, type QuarantinedTable } from '../quarantine-port.ts';

/** JSON as stored; a row that is not a JSON object is corrupt (quarantine-port.ts). */
function parseStored<T>(table: QuarantinedTable, key: string, text: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CorruptRowError(table, key, `invalid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CorruptRowError(table, key, 'not a JSON object');
  }
  return value as T;
}

// Rows as SQLite returns them, and their conversion to and from the port's values.

export interface CallStateRow {
  state_json: string;
}

/** A call's state with its id, to name it if it cannot be read. */
export interface CallKeyedStateRow extends CallStateRow {
  call_id: string;
}

export interface CallPageRow extends CallKeyedStateRow {
  created_at: number;
}

export interface DeadlineRow {
  call_id: string;
  deadline_at: number;
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

/** The call's state; CorruptRowError naming `callId` if the stored JSON cannot be read. */
export function callStateOf(row: CallStateRow, callId: string): CallState {
  return parseStored<CallState>('calls', callId, row.state_json);
}

export function callParams(state: CallState, deadlineAt: number | null) {
  return {
    callId: state.callId,
    threadId: state.threadId,
    streamId: state.streamId,
    status: state.status,
    createdAt: state.createdAt,
    endedAt: state.endedAt,
    stateJson: JSON.stringify(state),
    deadlineAt,
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
    payload: parseStored<StoredEvent['payload']>('events', row.id, row.payload_json),
  };
}

// The status_code column keeps the values of the HTTP statuses it was first written with
// (existing databases have them): 201 for a command that created the call, 200 for any other.
const STATUS_CREATED = 201;
const STATUS_APPLIED = 200;

export function idempotencyRecordOf(row: IdempotencyRow): IdempotencyRecord {
  return {
    scope: row.scope,
    key: row.key,
    requestHash: row.request_hash,
    created: row.status_code === STATUS_CREATED,
    responseBody: row.response_body,
    createdAt: row.created_at,
  };
}

export function idempotencyParams(record: IdempotencyRecord) {
  return {
    scope: record.scope,
    key: record.key,
    requestHash: record.requestHash,
    statusCode: record.created ? STATUS_CREATED : STATUS_APPLIED,
    responseBody: record.responseBody,
    createdAt: record.createdAt,
  };
}
