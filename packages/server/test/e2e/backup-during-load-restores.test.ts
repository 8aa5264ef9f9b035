import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { apiClient, spawnServer } from '../support/spawn-server.ts';

// `callhook backup` while a real server takes commands: the copy, put into an empty data
// directory as callhook.db, serves every event acknowledged before the backup began.

const KEY = 'backup-test-key-0123456789abcdef';
const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'callhook-backup-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function allEventIds(api: ReturnType<typeof apiClient>): Promise<Set<string>> {
  const ids = new Set<string>();
  let after = '0';
  for (;;) {
    const page = await api('GET', `/v1/events?after=${after}&limit=500`);
    assert.equal(page.status, 200);
    const events = page.body.events as { id: string }[];
    if (events.length === 0) return ids;
    for (const e of events) ids.add(e.id);
    after = page.body.nextCursor as string;
  }
}

test('a backup taken under load restores to a database with every event acknowledged before it began', async () => {
  const data = join(dir, 'data');
  const server = await spawnServer(['--data', data], { CALLHOOK_API_KEY: KEY });
  const api = apiClient(server.url, KEY);
  /** Calls whose creation was acknowledged, with the time of the acknowledgement. */
  const acked: { callId: string; at: number }[] = [];
  let stop = false;
  const worker = async (w: number) => {
    while (!stop) {
      const r = await api('POST', '/v1/calls', { threadId: `t${w}`, streamId: 's1' });
      if (r.status === 201) acked.push({ callId: r.body.callId as string, at: Date.now() });
      const callId = r.body.callId as string;
      await api('POST', `/v1/calls/${callId}/dtmf`, { digits: '1234' });
    }
  };
  const load = [0, 1, 2].map(worker);
  while (acked.length < 200) await new Promise((r) => setTimeout(r, 20));

  const out = join(dir, 'callhook-backup.db');
  const began = Date.now();
  const { stdout } = await run(process.execPath, [
    '--conditions=source',
    '--import',
    'tsx',
    CLI,
    'backup',
    '--data',
    data,
    '--out',
    out,
  ]);
  const ackedBefore = acked.filter((a) => a.at < began).map((a) => a.callId);
  const during = acked.length - ackedBefore.length;
  stop = true;
  await Promise.all(load);
  server.child.kill('SIGKILL');
  await server.exited;
  assert.match(stdout, /^backup: .*\(\d+ bytes, \d+ events, schema \d+\)\n$/);
  assert.equal(statSync(out).mode & 0o777, 0o600, 'the copy holds secrets: 0600');

  // Restore: the copy as callhook.db of an empty data directory.
  const restored = join(dir, 'restored');
  mkdirSync(restored, { mode: 0o700 });
  copyFileSync(out, join(restored, 'callhook.db'));
  const second = await spawnServer(['--data', restored], { CALLHOOK_API_KEY: KEY });
  try {
    const api2 = apiClient(second.url, KEY);
    const ids = await allEventIds(api2);
    assert.ok(ids.size > 0);
    const missing: string[] = [];
    for (const callId of ackedBefore) {
      const call = await api2('GET', `/v1/calls/${callId}`);
      if (call.status !== 200) missing.push(callId);
    }
    assert.deepEqual(missing, [], 'every call acknowledged before the backup began is restored');
    const page = await api2('GET', `/v1/events?limit=500`);
    assert.equal(page.status, 200);
    // The restored server takes writes.
    assert.equal((await api2('POST', '/v1/calls', { threadId: 't', streamId: 's' })).status, 201);
    console.log(
      `# ${ackedBefore.length} calls acknowledged before the backup, ${during} during it; ${ids.size} events restored`,
    );
  } finally {
    second.child.kill('SIGKILL');
  }
});

test('backup refuses to overwrite a file, and names a missing database', async () => {
  const out = join(dir, 'exists.db');
  copyFileSync(CLI, out);
  const exists = await run(process.execPath, [
    '--conditions=source',
    '--import',
    'tsx',
    CLI,
    'backup',
    '--data',
    dir,
    '--out',
    out,
  ]).catch((e: { code: number; stderr: string }) => e);
  assert.equal((exists as { code: number }).code, 1);
  const missing = await run(process.execPath, [
    '--conditions=source',
    '--import',
    'tsx',
    CLI,
    'backup',
    '--data',
    join(dir, 'nowhere'),
    '--out',
    join(dir, 'x.db'),
  ]).catch((e: { code: number; stderr: string }) => e);
  assert.equal((missing as { code: number }).code, 1);
  assert.match((missing as { stderr: string }).stderr, /no database at .*callhook\.db/);
});
