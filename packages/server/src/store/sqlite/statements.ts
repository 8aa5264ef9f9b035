import type Database from 'better-sqlite3';
import type {
  CallKeyedStateRow,
  CallPageRow,
  CallStateRow,
  DeadlineRow,
  EventRow,
  IdempotencyRow,
} from './rows.ts';
import * as sql from './sql.ts';

// The adapter's statements, prepared once per connection at open (after migrations).

type Params = Record<string, unknown>;

function callPageStatements(db: Database.Database) {
  // Indexed by a bitmask of the filters in use: status 1, threadId 2, streamId 4.
  const pages: Database.Statement<[Params], CallPageRow>[] = [];
  for (let mask = 0; mask < 8; mask++) {
    const filters = { status: !!(mask & 1), threadId: !!(mask & 2), streamId: !!(mask & 4) };
    pages.push(db.prepare<Params, CallPageRow>(sql.selectCallPage(filters)));
  }
  return pages;
}

export function callPageIndex(filters: sql.CallPageFilters): number {
  return (filters.status ? 1 : 0) | (filters.threadId ? 2 : 0) | (filters.streamId ? 4 : 0);
}

export function prepareStatements(db: Database.Database) {
  return {
    selectCallState: db.prepare<Params, CallStateRow>(sql.SELECT_CALL_STATE),
    upsertCall: db.prepare<Params>(sql.UPSERT_CALL),
    selectActiveCallStates: db.prepare<[], CallKeyedStateRow>(sql.SELECT_ACTIVE_CALL_STATES),
    countActiveCalls: db.prepare<[], { count: number }>(sql.COUNT_ACTIVE_CALLS),
    claimDeadlines: db.prepare<Params, DeadlineRow>(sql.CLAIM_DEADLINES),
    selectNextDeadline: db.prepare<[], { at: number | null }>(sql.SELECT_NEXT_DEADLINE),
    selectCallsWithoutDeadline: db.prepare<Params, CallKeyedStateRow>(
      sql.SELECT_CALLS_WITHOUT_DEADLINE,
    ),
    fillMissingDeadline: db.prepare<Params>(sql.FILL_MISSING_DEADLINE),
    callPages: callPageStatements(db),

    insertEvent: db.prepare<Params>(sql.INSERT_EVENT),
    selectEventsAfter: db.prepare<Params, EventRow>(sql.SELECT_EVENTS_AFTER),
    selectCallEventsAfter: db.prepare<Params, EventRow>(sql.SELECT_CALL_EVENTS_AFTER),
    selectLastEventPosition: db.prepare<[], { position: number }>(sql.SELECT_LAST_EVENT_POSITION),

    selectIdempotency: db.prepare<Params, IdempotencyRow>(sql.SELECT_IDEMPOTENCY),
    upsertIdempotency: db.prepare<Params>(sql.UPSERT_IDEMPOTENCY),
    deleteIdempotencyOlderThan: db.prepare<Params>(sql.DELETE_IDEMPOTENCY_OLDER_THAN),

    ping: db.prepare<[], { ok: number }>(sql.PING),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
