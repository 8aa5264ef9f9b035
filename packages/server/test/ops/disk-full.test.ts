import assert from 'node:assert/strict';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnServer } from '../support/spawn-server.ts';
import { fillDisk, mountSmallTmpfs } from './small-tmpfs.ts';

// A real `callhook serve` on a small tmpfs of its own, run out of space for real: while the
// disk is full, commands answer 503 `unavailable` with Retry-After and /readyz answers 503;
// once space is freed, writes resume by themselves (no restart), and after a SIGKILL while
// full they resume after a restart too. No acknowledged command is lost.

const KEY = 'disk-full-test-key-0123456789';
const HEADERS = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

interface Acked {
  callId: string;
  userId?: string;
}

interface Statuses {
  ok: number;
  unavailable: number;
  /** Anything else: a 500 or a 4xx would be a bug here. */
  other: string[];
  retryAfter: Set<string>;
}

async function post(base: string, path: string, body: unknown) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify(body),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

async function readyStatus(base: string): Promise<number> {
  return (await fetch(`${base}/readyz`)).status;
}

/** Creates calls and invites a user to each, from 4 workers, until `stop()` says so. */
async function drive(
  base: string,
  acked: Acked[],
  statuses: Statuses,
  stop: () => boolean,
): Promise<void> {
  const note = (r: { status: number; retryAfter: string | null; body: unknown }) => {
    if (r.status === 503) {
      statuses.unavailable += 1;
      statuses.retryAfter.add(r.retryAfter ?? '(none)');
      assert.equal((r.body as { error: { code: string } }).error.code, 'unavailable');
    } else if (r.status >= 300) {
      statuses.other.push(`${r.status} ${JSON.stringify(r.body)}`);
    } else {
      statuses.ok += 1;
    }
  };
  const worker = async (w: number) => {
    for (let i = 0; !stop(); i++) {
      const created = await post(base, '/v1/calls', {
        threadId: `thread-${w}-${'x'.repeat(100)}`,
        streamId: 'stream-1',
      });
      note(created);
      if (created.status !== 201) continue;
      const callId = (created.body as { callId: string }).callId;
      acked.push({ callId });
      const userId = `user-${w}-${i}`;
      const invited = await post(base, `/v1/calls/${callId}/participants`, { userId });
      note(invited);
      if (invited.status === 200) acked.push({ callId, userId });
    }
  };
  await Promise.all([0, 1, 2, 3].map(worker));
}

/** Drives load until both a command and /readyz answer 503 (the disk is really full). */
async function runUntilFull(base: string, acked: Acked[]): Promise<Statuses> {
  const statuses: Statuses = { ok: 0, unavailable: 0, other: [], retryAfter: new Set() };
  const deadline = Date.now() + 60_000;
  let full = false;
  const load = drive(base, acked, statuses, () => full || Date.now() > deadline);
  while (!full && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    if (statuses.unavailable > 0 && (await readyStatus(base)) === 503) full = true;
  }
  await load;
  assert.ok(full, `the disk never filled up: ${JSON.stringify({ ...statuses, retryAfter: 0 })}`);
  return statuses;
}

async function waitReady(base: string, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while ((await readyStatus(base)) !== 200) {
    assert.ok(Date.now() < deadline, `/readyz still not 200 after ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sequential commands that must all succeed: writes work again. */
async function commandsSucceed(base: string, acked: Acked[], n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = await post(base, '/v1/calls', { threadId: `after-${i}`, streamId: 'stream-1' });
    assert.equal(r.status, 201, `command ${i} after recovery: ${JSON.stringify(r.body)}`);
    acked.push({ callId: (r.body as { callId: string }).callId });
  }
}

async function readAllEvents(base: string) {
  const events: { callId: string; type: string; payload: { userId?: string } }[] = [];
  let after = '0';
  for (;;) {
    const res = await fetch(`${base}/v1/events?after=${after}&limit=500`, { headers: HEADERS });
    assert.equal(res.status, 200);
    const page = (await res.json()) as { events: typeof events; nextCursor: string };
    if (page.events.length === 0) return events;
    events.push(...page.events);
    after = page.nextCursor;
  }
}

function assertNothingLost(acked: Acked[], events: Awaited<ReturnType<typeof readAllEvents>>) {
  const created = new Set(events.filter((e) => e.type === 'call.created').map((e) => e.callId));
  const invited = new Set(
    events
      .filter((e) => e.type === 'call.user.invited')
      .map((e) => `${e.callId}/${e.payload.userId}`),
  );
  const lost = acked.filter((a) =>
    a.userId === undefined ? !created.has(a.callId) : !invited.has(`${a.callId}/${a.userId}`),
  );
  assert.deepEqual(lost, [], `${lost.length} of ${acked.length} acknowledged commands lost`);
}

test('disk full: 503 with Retry-After and /readyz 503; writes resume once space is freed, with and without a restart; nothing acknowledged is lost', async (t) => {
  const mount = mountSmallTmpfs(t, 24);
  const data = join(mount, 'data');
  const filler = join(mount, 'filler');
  const acked: Acked[] = [];

  const first = await spawnServer(['--data', data], { CALLHOOK_API_KEY: KEY });
  t.after(() => first.child.kill('SIGKILL'));
  await commandsSucceed(first.url, acked, 5);

  // 1. Full, then space freed while the server runs: it recovers by itself.
  fillDisk(filler, 2 * 1024 * 1024);
  const full = await runUntilFull(first.url, acked);
  assert.deepEqual(full.other, [], 'only 2xx and 503 while the disk fills');
  assert.deepEqual([...full.retryAfter], ['5'], 'every 503 carries Retry-After');
  assert.equal((await post(first.url, '/v1/calls', { threadId: 't', streamId: 's' })).status, 503);
  rmSync(filler);
  await waitReady(first.url, 15_000);
  // Enough sequential commits to overrun the WAL many times were checkpoints still stuck.
  await commandsSucceed(first.url, acked, 300);
  const wal = join(data, 'callhook.db-wal');
  const walBytes = existsSync(wal) ? statSync(wal).size : 0;
  assert.ok(walBytes < 12 * 1024 * 1024, `the WAL keeps being checkpointed: ${walBytes} bytes`);

  // 2. Full again, killed while full, space freed, restarted: it starts and takes writes.
  fillDisk(filler, 1024 * 1024);
  const again = await runUntilFull(first.url, acked);
  assert.deepEqual(again.other, []);
  first.child.kill('SIGKILL');
  await first.exited;
  rmSync(filler);
  const second = await spawnServer(['--data', data], { CALLHOOK_API_KEY: KEY });
  t.after(() => second.child.kill('SIGKILL'));
  await waitReady(second.url, 15_000);
  await commandsSucceed(second.url, acked, 100);

  assertNothingLost(acked, await readAllEvents(second.url));
  t.diagnostic(
    `acknowledged ${acked.length}; 503s: ${full.unavailable} then ${again.unavailable}; WAL after recovery ${walBytes} bytes`,
  );
});
