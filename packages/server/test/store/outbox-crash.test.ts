import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.ts';
import { endpoint } from './fixtures/delivery-fixture.ts';
import { tempDir } from './fixtures/temp-store.ts';

// kill -9 of a process appending events (the crash-durability child, on a file that has
// endpoints): after recovery, every event has exactly the deliveries its subscriptions call
// for, and no delivery points at an event that is not there. The outbox is deferred (the
// deliveries are read from the log after each endpoint's outbox position), so the check
// writes it out first, as a listing would.

const fixture = fileURLToPath(new URL('./fixtures/command-loop.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Runs the command loop until it SIGKILLs itself inside command `killInside`, or is killed. */
async function runUntilKilled(path: string, round: string, kill: number | 'after-acks') {
  const args = ['--conditions=source', '--import', 'tsx', fixture, path, round];
  if (kill !== 'after-acks') args.push(String(kill));
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let acks = 0;
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    acks += chunk.split('\n').length - 1;
    if (kill === 'after-acks' && acks >= 150 && child.exitCode === null) child.kill('SIGKILL');
  });
  const [, signal] = await once(child, 'close');
  assert.equal(signal, 'SIGKILL', `the child should have been killed; stderr: ${stderr}`);
}

function assertOutboxMatchesEvents(store: SqliteStore) {
  store.deliveries.writeUnwritten();
  const orphans = store.db
    .prepare(
      `SELECT COUNT(*) FROM deliveries d
       LEFT JOIN events e ON e.position = d.event_position AND e.id = d.event_id
       WHERE e.id IS NULL`,
    )
    .pluck()
    .get();
  assert.equal(orphans, 0, 'deliveries of events that are not in the log');

  const events = store.db
    .prepare(
      `SELECT e.type,
         (SELECT group_concat(endpoint_id, ',') FROM
           (SELECT endpoint_id FROM deliveries WHERE event_id = e.id ORDER BY endpoint_id)) AS got
       FROM events e`,
    )
    .all() as { type: string; got: string | null }[];
  assert.ok(events.length > 0);
  for (const event of events) {
    const expected = event.type === 'call.created' ? 'ep_all,ep_created' : 'ep_all';
    assert.equal(event.got, expected, `deliveries of a ${event.type}`);
  }

  // Nothing was sent, so each lane's head is its seq 1 and the rest wait.
  const lanes = store.db
    .prepare(
      `SELECT COUNT(next_attempt_at) AS heads,
         MIN(CASE WHEN next_attempt_at IS NOT NULL THEN seq END) AS head
       FROM deliveries GROUP BY endpoint_id, call_id`,
    )
    .all() as { heads: number; head: number }[];
  for (const lane of lanes) assert.deepEqual(lane, { heads: 1, head: 1 });
}

test('after kill -9, inside a command or between commands, the outbox matches the event log', {
  timeout: 120_000,
}, async (t) => {
  const path = join(tempDir(t), 'callhook.db');
  const setup = openSqliteStore({ path });
  await setup.deliveries.createEndpoint(endpoint('ep_all'));
  await setup.deliveries.createEndpoint(endpoint('ep_created', { eventTypes: ['call.created'] }));
  await setup.deliveries.createEndpoint(
    endpoint('ep_off', { enabled: false, disabledReason: 'manual' }),
  );
  setup.closeSync();

  // The child's kill hook runs inside the command's transaction: it dies with events written
  // there, which must vanish, and leave no delivery behind.
  await runUntilKilled(path, 'r0', 120 + Math.floor(Math.random() * 100));
  let store = openSqliteStore({ path });
  assertOutboxMatchesEvents(store);
  store.closeSync();

  await runUntilKilled(path, 'r1', 'after-acks');
  store = openSqliteStore({ path });
  t.after(() => store.closeSync());
  assertOutboxMatchesEvents(store);
});
