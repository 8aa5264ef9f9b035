import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { ManualClock } from '../../../src/clock.ts';
import { CallService, type CallServiceOptions } from '../../../src/service/call-service.ts';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';

// Nodes of a cluster for the deadline tests: each a CallService with its own owner id, on its
// own connection to one shared SQLite file (or on a store given), on one ManualClock.

export const CONFIG = { idleTimeoutMs: 60_000, maxDurationMs: 3_600_000 };

export interface Node {
  store: SqliteStore;
  service: CallService;
  /** Ids of the calls whose call.ended this node published. */
  ended: string[];
}

/** A database file in a fresh temp dir, removed after the test. */
export function sharedFile(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-deadlines-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'callhook.db');
}

/** Starts a node; stopped and closed after the test (unless the test did it first). */
export async function startNode(
  t: TestContext,
  options: { path: string; clock: ManualClock; owner: string; store?: SqliteStore } & Partial<
    Pick<CallServiceOptions, 'deadlinePollMs' | 'deadlineLeaseMs'>
  >,
): Promise<Node> {
  const { path, store: given, ...rest } = options;
  // Inline checkpoints: a background checkpointer thread per node would only slow the tests.
  const store = given ?? openSqliteStore({ path, checkpoint: 'inline' });
  const service = new CallService({ ...rest, store, config: CONFIG });
  const ended: string[] = [];
  service.bus.subscribe((events) => {
    for (const e of events) if (e.type === 'call.ended') ended.push(e.callId);
  });
  await service.start();
  t.after(async () => {
    service.stop();
    if (!given) await store.close();
  });
  return { store, service, ended };
}

/** Every call.ended in the log, by call. */
export async function endedInLog(store: SqliteStore): Promise<string[]> {
  const events = await store.readEvents({ types: ['call.ended'], limit: 100_000 });
  return events.map((e) => e.callId);
}
