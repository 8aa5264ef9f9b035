import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RecordingReceiver } from '../support/recording-receiver.ts';
import { apiClient, spawnServer } from '../support/spawn-server.ts';

// A soak of a real `callhook serve --retention 2s` under 30 s of steady load with a webhook
// endpoint: once the window is full, the database and its WAL stop growing; nothing older
// than the window (and a sweep) is readable; an old cursor gets 410 retention_expired; and
// every recent event still reaches the endpoint.

const KEY = 'retention-soak-key-0123456789abcdef';
const LOAD_MS = 30_000;
const WINDOW_MS = 2_000;
const dir = mkdtempSync(join(tmpdir(), 'callhook-soak-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function walBytes(data: string): number {
  const wal = join(data, 'callhook.db-wal');
  return existsSync(wal) ? statSync(wal).size : 0;
}

function diskBytes(data: string): number {
  return ['callhook.db', 'callhook.db-wal']
    .map((f) => join(data, f))
    .filter((f) => existsSync(f))
    .reduce((sum, f) => sum + statSync(f).size, 0);
}

test('--retention 2s under 30 s of load: disk use flat, nothing older than the window readable, recent deliveries unaffected', async () => {
  const receiver = new RecordingReceiver();
  const hookUrl = await receiver.listen();
  const data = join(dir, 'data');
  const server = await spawnServer(
    ['--data', data, '--retention', '2s', '--allow-private-targets'],
    { CALLHOOK_API_KEY: KEY },
  );
  const api = apiClient(server.url, KEY);
  try {
    const created = await api('POST', '/v1/endpoints', { url: hookUrl });
    assert.equal(created.status, 201);
    receiver.setSecret(created.body.secret as string);

    const started = Date.now();
    const samples: { at: number; bytes: number; wal: number }[] = [];
    let commands = 0;
    const worker = async (w: number) => {
      while (Date.now() - started < LOAD_MS) {
        const call = await api('POST', '/v1/calls', { threadId: `t${w}`, streamId: 's1' });
        assert.equal(call.status, 201);
        const callId = call.body.callId as string;
        assert.equal(
          (await api('POST', `/v1/calls/${callId}/dtmf`, { digits: '123' })).status,
          200,
        );
        assert.equal((await api('POST', `/v1/calls/${callId}/end`)).status, 200);
        commands += 3;
        await new Promise((r) => setTimeout(r, 5)); // steady, not flat out: 2 cores are shared
      }
    };
    const sampler = (async () => {
      while (Date.now() - started < LOAD_MS) {
        await new Promise((r) => setTimeout(r, 1_000));
        samples.push({ at: Date.now() - started, bytes: diskBytes(data), wal: walBytes(data) });
      }
    })();
    const [firstEvent] = (await api('GET', '/v1/events?limit=1')).body.events as {
      id: string;
    }[];
    await Promise.all([0, 1, 2, 3].map(worker));
    await sampler;
    const endedAt = Date.now();

    // Flat once the window is full: by the end the database file is back to the size it had
    // in the first half (a sweep may fall behind for a few seconds on a busy machine, never
    // for good), where without retention it would have grown all along; the WAL is started
    // over near 16 MiB (checkpointer.ts), so its file stays under a bound instead of growing
    // until a lull.
    const dbBytes = (s: { bytes: number; wal: number }) => s.bytes - s.wal;
    const peakWarm = Math.max(
      ...samples.filter((s) => s.at > 5_000 && s.at <= 15_000).map(dbBytes),
    );
    const last = samples.filter((s) => s.at > LOAD_MS - 5_000).map(dbBytes);
    const endSize = last.reduce((a, b) => a + b, 0) / Math.max(1, last.length);
    const walPeak = Math.max(...samples.map((s) => s.wal));
    const trace = samples.map((s) => `${dbBytes(s)}+${s.wal}`).join(' ');
    assert.ok(
      endSize <= peakWarm * 1.5 + 1024 * 1024,
      `the database grew: ${peakWarm} bytes at 5-15 s, ${Math.round(endSize)} over the last 5 s; (db+WAL) ${trace}`,
    );
    assert.ok(walPeak < 32 * 1024 * 1024, `the WAL reached ${walPeak} bytes; (db+WAL) ${trace}`);

    // Nothing older than the window (plus one sweep interval and slack) is readable.
    const kept = (await api('GET', '/v1/events?limit=500')).body.events as {
      id: string;
      occurredAt: number;
    }[];
    assert.ok(kept.length > 0);
    const oldest = kept[0]!.occurredAt;
    assert.ok(
      oldest >= endedAt - WINDOW_MS - 3_000,
      `the oldest readable event is ${endedAt - oldest} ms old`,
    );
    assert.ok(!kept.some((e) => e.id === firstEvent?.id));
    const expired = await api('GET', '/v1/events?after=1&limit=10');
    assert.equal(expired.status, 410);
    assert.equal((expired.body.error as { code: string }).code, 'retention_expired');
    const stream = await fetch(`${server.url}/v1/events/stream`, {
      headers: { authorization: `Bearer ${KEY}`, 'last-event-id': '1' },
    });
    assert.equal(stream.status, 410, 'an SSE resume from a removed cursor is refused too');
    await stream.body?.cancel();

    // The recent events still reach the endpoint, every one.
    const recent = kept.map((e) => e.id);
    const got = () => new Set(receiver.arrivals.map((a) => a.webhookId));
    await receiver.until(() => recent.every((id) => got().has(id)), 20_000, 'recent deliveries');
    assert.deepEqual(receiver.rejected, []);
    console.log(
      `# ${commands} commands in ${LOAD_MS / 1000} s; database file peak ${peakWarm} bytes at 5-15 s, ${Math.round(endSize)} over the last 5 s; WAL peak ${walPeak}; samples (db+WAL) ${trace}`,
    );
  } finally {
    server.child.kill('SIGKILL');
    await receiver.close();
  }
});
