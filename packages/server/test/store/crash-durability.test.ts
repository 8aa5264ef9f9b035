import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.ts';
import { type CommandReceipt, CRASH_SCOPE, commandKey } from './fixtures/command-loop.ts';

const fixture = fileURLToPath(new URL('./fixtures/command-loop.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

type Kill = { by: 'parent'; afterAcks: number } | { by: 'itself'; insideCommand: number };

/** Runs the command loop on `path` until killed; returns the commands it acknowledged. */
async function runUntilKilled(path: string, round: string, kill: Kill): Promise<number[]> {
  const args = ['--conditions=source', '--import', 'tsx', fixture, path, round];
  if (kill.by === 'itself') args.push(String(kill.insideCommand));
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const acknowledged: number[] = [];
  let partial = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!; // a line cut by the kill was not acknowledged
    for (const line of lines) acknowledged.push(Number(line));
    if (kill.by === 'parent' && acknowledged.length >= kill.afterAcks && child.exitCode === null) {
      child.kill('SIGKILL');
    }
  });
  const [, signal] = await once(child, 'close');
  assert.equal(signal, 'SIGKILL', `the child should have been killed mid-loop; stderr: ${stderr}`);
  assert.deepEqual(
    acknowledged,
    acknowledged.map((_, i) => i),
    'acknowledgements are in order',
  );
  return acknowledged;
}

/**
 * The whole database is made of whole commands: every event belongs to exactly one committed
 * command's receipt (so no command left events without its record, or the reverse), and every
 * call's state has lastSeq = its newest event, with seqs 1..lastSeq.
 */
function assertOnlyWholeCommands(store: SqliteStore): Map<string, CommandReceipt> {
  const receipts = new Map(
    (
      store.db.prepare('SELECT key, response_body FROM idempotency_keys').all() as {
        key: string;
        response_body: string;
      }[]
    ).map((row) => [row.key, JSON.parse(row.response_body) as CommandReceipt]),
  );
  const receiptOf = new Map<string, string>();
  for (const [key, receipt] of receipts) {
    for (const id of receipt.eventIds) receiptOf.set(id, key);
  }

  const events = store.db
    .prepare('SELECT id, call_id AS callId, seq FROM events ORDER BY call_id, seq')
    .all() as { id: string; callId: string; seq: number }[];
  assert.equal(events.length, receiptOf.size, 'events and receipted event ids');
  const seqsOf = new Map<string, number[]>();
  for (const event of events) {
    assert.ok(receiptOf.has(event.id), `event ${event.id} belongs to no committed command`);
    seqsOf.set(event.callId, [...(seqsOf.get(event.callId) ?? []), event.seq]);
  }

  const states = store.db.prepare('SELECT state_json FROM calls').pluck().all() as string[];
  assert.equal(states.length, seqsOf.size, 'calls and calls with events');
  for (const json of states) {
    const state = JSON.parse(json) as { callId: string; lastSeq: number };
    assert.deepEqual(
      seqsOf.get(state.callId),
      Array.from({ length: state.lastSeq }, (_, k) => k + 1),
      `call ${state.callId} with lastSeq ${state.lastSeq}`,
    );
  }
  return receipts;
}

test('every acknowledged command survives kill -9, and no call is ever half written', {
  timeout: 120_000,
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-crash-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'callhook.db');
  const some = () => 200 + Math.floor(Math.random() * 300);

  // Rounds on one file, each recovering from the previous crash. The parent's kill lands
  // wherever the child happens to be; the child's own lands inside an open transaction.
  const rounds: Kill[] = [
    { by: 'parent', afterAcks: some() },
    { by: 'itself', insideCommand: some() },
    { by: 'parent', afterAcks: some() },
  ];
  for (const [r, kill] of rounds.entries()) {
    const round = `r${r}`;
    const acknowledged = await runUntilKilled(path, round, kill);
    if (kill.by === 'itself') assert.equal(acknowledged.length, kill.insideCommand);
    else assert.ok(acknowledged.length >= kill.afterAcks);
    // The commits are in the WAL, not checkpointed: reopening must recover them from it.
    assert.ok(existsSync(`${path}-wal`));

    const store = openSqliteStore({ path });
    try {
      const receipts = assertOnlyWholeCommands(store);
      for (const i of acknowledged) {
        assert.ok(receipts.has(commandKey(round, i)), `acknowledged command ${i} of ${round}`);
      }
      if (kill.by === 'itself') {
        const killed = await store.getIdempotency(
          CRASH_SCOPE,
          commandKey(round, kill.insideCommand),
        );
        assert.equal(killed, undefined, 'the command killed inside its transaction');
      }
    } finally {
      store.closeSync();
    }
  }
});
