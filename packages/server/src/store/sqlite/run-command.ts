import type Database from 'better-sqlite3';
import type { CallState } from '../../engine/call-state.ts';
import type { InProcessChangeFeed } from '../in-process-change-feed.ts';
import type { CommandOutcome, IdempotencyRecord, StoredEvent } from '../port.ts';
import { checkCommandOutcome } from '../port-checks.ts';
import { StoreError } from '../store-error.ts';
import { GroupCommit } from './group-commit.ts';
import {
  callParams,
  callStateOf,
  eventParams,
  idempotencyParams,
  idempotencyRecordOf,
} from './rows.ts';
import type { Statements } from './statements.ts';

/**
 * Runs inside a command's transaction, right after its events are appended, so that whatever
 * it writes (the delivery outbox) commits or rolls back with them. Throwing aborts the command.
 */
export type EventsAppendedHook = (db: Database.Database, events: readonly StoredEvent[]) => void;

export type Decide<R> = (
  current: CallState | undefined,
  saved: IdempotencyRecord | undefined,
) => CommandOutcome<R>;

export interface IdempotencyKey {
  scope: string;
  key: string;
}

export interface CommandRunner {
  run<R>(callId: string, decide: Decide<R>, key?: IdempotencyKey): Promise<R>;
  /** Runs every command still queued (before the connection closes). */
  flush(): void;
}

/**
 * Each command runs in its own savepoint inside an IMMEDIATE transaction shared with the other
 * commands of the same event-loop turn (group commit): the write lock is held from before the
 * call is read until the commit, so nothing can change the call in between. Anything that
 * throws (decide, a constraint, a hook) rolls back that command alone; its promise rejects.
 * Commands on one call run in arrival order, each seeing the state the previous one wrote.
 */
export function createCommandRunner(
  db: Database.Database,
  st: Statements,
  hooks: readonly EventsAppendedHook[],
  changes?: InProcessChangeFeed,
): CommandRunner {
  // What the batch's committed commands appended, told to the change feed after the COMMIT.
  let appendedTypes: string[] = [];
  let lastPosition = 0;
  const group = new GroupCommit(
    db,
    () => {
      if (appendedTypes.length === 0) return;
      const types = appendedTypes;
      appendedTypes = [];
      changes?.publish({ events: { types, lastPosition } });
    },
    () => {
      appendedTypes = [];
    },
  );
  const runOne = (
    callId: string,
    decide: Decide<unknown>,
    key: IdempotencyKey | undefined,
  ): unknown => {
    const row = st.selectCallState.get({ callId });
    const savedRow = key ? st.selectIdempotency.get({ scope: key.scope, key: key.key }) : undefined;
    const outcome = decide(
      row ? callStateOf(row, callId) : undefined,
      savedRow ? idempotencyRecordOf(savedRow) : undefined,
    );
    checkOutcome(callId, outcome);

    if (outcome.state) st.upsertCall.run(callParams(outcome.state, outcome.deadlineAt ?? null));
    const stored: StoredEvent[] = outcome.events.map((event) => ({
      ...event,
      position: Number(st.insertEvent.run(eventParams(event)).lastInsertRowid),
    }));
    if (stored.length > 0) for (const hook of hooks) hook(db, stored);
    if (outcome.idempotency) st.upsertIdempotency.run(idempotencyParams(outcome.idempotency));
    // Reached only when nothing threw: this command's savepoint is kept.
    for (const event of stored) appendedTypes.push(event.type);
    if (stored.length > 0) lastPosition = stored[stored.length - 1]!.position;
    return outcome.result;
  };
  return {
    run: <R>(callId: string, decide: Decide<R>, key?: IdempotencyKey) =>
      group.run(() => runOne(callId, decide as Decide<unknown>, key)) as Promise<R>,
    flush: () => group.flush(),
  };
}

function checkOutcome(callId: string, outcome: CommandOutcome<unknown>): void {
  checkCommandOutcome(callId, outcome, (message) => new StoreError('invalid_outcome', message));
}
