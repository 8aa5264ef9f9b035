import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { apiClient, spawnServer } from '../support/spawn-server.ts';

// An acknowledged (2xx) command survives kill -9, and no command is ever half-written:
// a burst of commands is cut by SIGKILL, the server restarts on the same data directory,
// and the event log must hold every acknowledged command's events, whole, with gapless seqs.

const KEY = 'crash-test-key-0123';
const dir = mkdtempSync(join(tmpdir(), 'callhook-crash-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Acked {
  callId: string;
  kind: 'create' | 'invite' | 'dtmf';
  userId?: string;
}

test('SIGKILL mid-burst: every acknowledged command has all its events, none has only some', async () => {
  const first = await spawnServer(['--data', dir], { CALLHOOK_API_KEY: KEY });
  const api = apiClient(first.url, KEY);
  const acked: Acked[] = [];
  let killed = false;

  // Each worker drives its own calls: create, invite two users, DTMF "123" (three events).
  const worker = async (w: number) => {
    for (let i = 0; !killed; i++) {
      try {
        const created = await api('POST', '/v1/calls', { threadId: `t${w}`, streamId: 's1' });
        if (created.status !== 201) continue;
        const callId = created.body.callId as string;
        acked.push({ callId, kind: 'create' });
        for (const userId of [`u${w}-${i}-a`, `u${w}-${i}-b`]) {
          const r = await api('POST', `/v1/calls/${callId}/participants`, { userId });
          if (r.status === 200) acked.push({ callId, kind: 'invite', userId });
        }
        const d = await api('POST', `/v1/calls/${callId}/dtmf`, { digits: '123' });
        if (d.status === 200) acked.push({ callId, kind: 'dtmf' });
      } catch {
        return; // connection refused/reset after the kill
      }
    }
  };
  const workers = Array.from({ length: 8 }, (_, w) => worker(w));
  while (acked.length < 300) await new Promise((r) => setImmediate(r));
  first.child.kill('SIGKILL');
  killed = true;
  await Promise.all(workers);
  const exit = await first.exited;
  assert.equal(exit.signal, 'SIGKILL');

  const second = await spawnServer(['--data', dir], { CALLHOOK_API_KEY: KEY });
  try {
    const api2 = apiClient(second.url, KEY);
    const events: {
      callId: string;
      seq: number;
      type: string;
      payload: Record<string, unknown>;
    }[] = [];
    let cursor = '0';
    for (;;) {
      const page = await api2('GET', `/v1/events?after=${cursor}&limit=500`);
      assert.equal(page.status, 200);
      const batch = page.body.events as typeof events;
      if (batch.length === 0) break;
      events.push(...batch);
      cursor = page.body.nextCursor as string;
    }
    const byCall = new Map<string, typeof events>();
    for (const e of events) byCall.set(e.callId, [...(byCall.get(e.callId) ?? []), e]);

    for (const a of acked) {
      const log = byCall.get(a.callId) ?? [];
      if (a.kind === 'create') assert.equal(log[0]?.type, 'call.created', `call ${a.callId} lost`);
      if (a.kind === 'invite') {
        assert.ok(
          log.some((e) => e.type === 'call.user.invited' && e.payload.userId === a.userId),
          `acknowledged invite of ${a.userId} lost`,
        );
      }
      if (a.kind === 'dtmf') {
        const digits = log.filter((e) => e.type === 'call.dtmf').map((e) => e.payload.dtmf);
        assert.deepEqual(digits, ['1', '2', '3'], `acknowledged DTMF of ${a.callId} not whole`);
      }
    }
    for (const [callId, log] of byCall) {
      assert.deepEqual(
        log.map((e) => e.seq),
        log.map((_, i) => i + 1),
        `seq of ${callId} not gapless`,
      );
      const dtmf = log.filter((e) => e.type === 'call.dtmf').length;
      assert.ok(
        dtmf === 0 || dtmf === 3,
        `call ${callId} has a partial DTMF command (${dtmf} events)`,
      );
      const call = await api2('GET', `/v1/calls/${callId}`);
      assert.equal(call.body.lastSeq, log.length, `state of ${callId} disagrees with its events`);
    }
    assert.ok(acked.length >= 300);
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
  }
});
