import type Database from 'better-sqlite3';
import type { CallState } from '../../engine/call-state.ts';
import type { StoredEvent } from '../port.ts';
import {
  CorruptRowError,
  type QuarantinedRow,
  type QuarantineStore,
  type QuarantineSummary,
} from '../quarantine-port.ts';
import { type CallKeyedStateRow, callStateOf, type EventRow, storedEventOf } from './rows.ts';
import * as sql from './sql.ts';

// Corrupt rows on SQLite (the rules: ../quarantine-port.ts): read through here, a row that
// cannot be parsed is recorded in quarantined_rows once and left out; the raw text is kept
// there for whoever repairs it. Recording is best effort: a read must not fail because the
// disk is full.

type Params = Record<string, unknown>;

export class SqliteQuarantine implements QuarantineStore {
  private readonly st;
  private readonly recordCall: (callId: string, reason: string, raw: string) => void;
  /** What `PRAGMA integrity_check` found at open. */
  readonly integrityProblems: readonly string[];

  constructor(
    db: Database.Database,
    integrityProblems: readonly string[],
    /** Told once per row newly set aside. */
    private readonly onQuarantined: (row: QuarantinedRow) => void = () => {},
  ) {
    this.integrityProblems = integrityProblems;
    this.st = {
      insert: db.prepare<Params>(sql.INSERT_QUARANTINED),
      park: db.prepare<Params>(sql.PARK_QUARANTINED_CALL),
      count: db.prepare<[], { count: number }>(sql.COUNT_QUARANTINED),
      list: db.prepare<Params, QuarantinedRow>(sql.SELECT_QUARANTINED),
    };
    this.recordCall = db.transaction((callId: string, reason: string, raw: string) => {
      this.st.park.run({ callId });
      this.insert('calls', callId, reason, raw);
    });
  }

  async summary(): Promise<QuarantineSummary> {
    return { rows: this.st.count.get()!.count, integrityProblems: this.integrityProblems };
  }

  async list(limit: number): Promise<QuarantinedRow[]> {
    return this.st.list.all({ limit });
  }

  /** The states of `rows`, leaving out (and quarantining) those that cannot be read. */
  calls(rows: readonly CallKeyedStateRow[]): CallState[] {
    const states: CallState[] = [];
    for (const row of rows) {
      const state = this.call(row);
      if (state) states.push(state);
    }
    return states;
  }

  /** The event of each row, leaving out (and quarantining) those that cannot be read. */
  events(rows: readonly EventRow[]): { events: StoredEvent[]; skipped: number } {
    const events: StoredEvent[] = [];
    let skipped = 0;
    for (const row of rows) {
      try {
        events.push(storedEventOf(row));
      } catch (error) {
        if (!(error instanceof CorruptRowError)) throw error;
        skipped += 1;
        this.bestEffort(() => this.insert('events', row.id, error.reason, row.payload_json));
      }
    }
    return { events, skipped };
  }

  /** Called with the error a read or command of one call hit: quarantines that call. */
  quarantineCall(error: CorruptRowError, raw: string | undefined): void {
    this.bestEffort(() => this.recordCall(error.key, error.reason, raw ?? ''));
  }

  private call(row: CallKeyedStateRow): CallState | undefined {
    try {
      return callStateOf(row, row.call_id);
    } catch (error) {
      if (!(error instanceof CorruptRowError)) throw error;
      this.quarantineCall(error, row.state_json);
      return undefined;
    }
  }

  private insert(table: 'calls' | 'events', key: string, reason: string, raw: string): void {
    const at = Date.now();
    if (this.st.insert.run({ table, key, reason, raw, at }).changes > 0) {
      this.onQuarantined({ table, key, reason, quarantinedAt: at });
    }
  }

  private bestEffort(write: () => void): void {
    try {
      write();
    } catch {
      // The row stays left out either way; it is recorded at its next read.
    }
  }
}

/** `PRAGMA integrity_check` at open: the problems it lists, none when it says ok. */
export function integrityProblemsOf(db: Database.Database): string[] {
  const rows = db.pragma(sql.PRAGMA_INTEGRITY_CHECK) as { integrity_check: string }[];
  const problems = rows.map((r) => r.integrity_check);
  return problems.length === 1 && problems[0] === 'ok' ? [] : problems;
}
